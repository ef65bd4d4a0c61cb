-- A man page cannot follow a link: keep its text, drop the target; drop
-- images (the screenshots of the HTML pages).
function Link(el)
  return el.content
end

function Image(el)
  return {}
end

-- A table of the documentation is wide prose in narrow columns, which tbl
-- can only set with lines it cannot adjust: each row becomes a definition
-- list item instead, its first cell the term, each other cell a paragraph
-- led by its column's heading ("default: 25.0") when there are more
-- than two columns.
local function cells(row)
  return row.cells or row[2]
end

local function contents(cell)
  return cell.contents or cell[5]
end

local function plain(blocks)
  return pandoc.utils.stringify(pandoc.Pandoc(blocks))
end

local function inlines(blocks)
  local out = pandoc.List()
  for _, b in ipairs(blocks) do
    if b.content then
      if #out > 0 then out:insert(pandoc.Space()) end
      out:extend(b.content)
    end
  end
  return out
end

function Table(el)
  local heads = {}
  local hrows = el.head.rows or el.head[2]
  if hrows and #hrows > 0 then
    for i, c in ipairs(cells(hrows[1])) do
      heads[i] = plain(contents(c))
    end
  end
  local items = {}
  for _, body in ipairs(el.bodies) do
    for _, row in ipairs(body.body or body[4]) do
      local cs = cells(row)
      local term = inlines(contents(cs[1]))
      local defs = {}
      for i = 2, #cs do
        local text = inlines(contents(cs[i]))
        if #text > 0 then
          local para = pandoc.List()
          if #cs > 2 and heads[i] and heads[i] ~= "" then
            para:insert(pandoc.Emph({pandoc.Str(heads[i] .. ":")}))
            para:insert(pandoc.Space())
          end
          para:extend(text)
          table.insert(defs, pandoc.Para(para))
        end
      end
      table.insert(items, {term, {defs}})
    end
  end
  return pandoc.DefinitionList(items)
end
