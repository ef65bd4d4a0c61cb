/* Unit tests of the case file reader: valid files, every kind of invalid
 * and hostile input, and the FILE:LINE: FIELD of each problem. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decimal.h"
#include "testutil.h"

static ap_reader *reader;
static ap_host *host;
static ap_config *config;
static ap_diags *diags;

static void setup(void)
{
	reader = tu_reader();
	host = tu_host(&config);
	diags = ap_diags_new();
}

static void teardown(void)
{
	ap_diags_free(diags);
	ap_host_free(host);
	ap_config_free(config);
	ap_reader_free(reader);
}

/* Reads and checks `xml` as the reader and host would for a batch. Returns
 * the number of errors. */
static size_t check_xml(const char *xml, size_t len)
{
	ap_diags_clear(diags);
	ap_case *c = NULL;
	if (ap_reader_read_memory(reader, "t.xml", xml, len, &c, diags) == 0) {
		ck_assert_ptr_nonnull(c);
		ap_host_check_case(host, c, diags);
		ap_case_free(c);
	} else {
		ck_assert_ptr_null(c);
		ck_assert_uint_ge(ap_diags_errors(diags), 1);
	}
	return ap_diags_errors(diags);
}

/* Asserts a problem with `field` (exact, or any when NULL), `line` (any
 * when < 0) and a message containing `needle`. */
static void expect(ap_severity sev, long line, const char *field,
                   const char *needle)
{
	for (size_t i = 0; i < ap_diags_count(diags); i++) {
		const ap_diag *g = ap_diags_at(diags, i);
		if (g->severity == sev && (line < 0 || g->line == line) &&
		    (!field || strcmp(g->field, field) == 0) &&
		    strstr(g->message, needle))
			return;
	}
	for (size_t i = 0; i < ap_diags_count(diags); i++)
		ap_diag_print(stderr, ap_diags_at(diags, i));
	ck_abort_msg("expected %s at line %ld, field %s, containing '%s'",
	             sev == AP_ERROR ? "error" : "warning", line,
	             field ? field : "(any)", needle);
}

static size_t check_str(const char *xml)
{
	return check_xml(xml, strlen(xml));
}

/* A valid case file with `from` replaced by `to` (first occurrence). */
static char *variant(const char *from, const char *to)
{
	char *base =
	    tu_casefile(412,
	                "    <built>1968</built>\n"
	                "    <occupancy low-income-share=\"58\"/>",
	                "    <theme ref=\"quality\">\n"
	                "      <indicator ref=\"satisfaction.overall\" "
	                "value=\"61\" unit=\"percent\"/>\n"
	                "      <indicator ref=\"complaints.count\" "
	                "value=\"210\" period-months=\"12\"/>\n"
	                "    </theme>\n"
	                "    <theme ref=\"security\">\n"
	                "      <indicator ref=\"deal.points\" value=\"1\"/>\n"
	                "    </theme>");
	char *at = strstr(base, from);
	ck_assert_msg(at != NULL, "'%s' not in the base file", from);
	size_t n = strlen(base) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);
	size_t head = (size_t)(at - base);
	memcpy(out, base, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	free(base);
	return out;
}

static void expect_variant(const char *from, const char *to, long line,
                           const char *field, const char *needle)
{
	char *xml = variant(from, to);
	ck_assert_uint_ge(check_str(xml), 1);
	expect(AP_ERROR, line, field, needle);
	free(xml);
}

START_TEST(examples_are_valid)
{
	DIR *d = opendir(APPUI_TEST_EXAMPLES);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strstr(e->d_name, ".xml"))
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", APPUI_TEST_EXAMPLES,
		         e->d_name);
		ap_case *c = NULL;
		ap_diags_clear(diags);
		ck_assert_int_eq(ap_reader_read_file(reader, path, &c, diags),
		                 0);
		ck_assert_uint_eq(ap_host_check_case(host, c, diags), 0);
		ck_assert_uint_eq(ap_diags_count(diags), 0);
		ck_assert_str_eq(ap_case_file(c), path);
		ck_assert_uint_ge(ap_case_site(c)->dwellings, 1);
		ap_case_free(c);
		n++;
	}
	closedir(d);
	ck_assert_int_eq(n, 39);
}
END_TEST

START_TEST(model_holds_the_file)
{
	char *xml = variant(
	    "<request date=\"2019-05-02\"/>",
	    "<request date=\"2019-05-02\" themes=\"quality  security quality\">"
	    "<window start=\"2019-09-02\" end=\"2019-12-20\"/>"
	    "<note>Demande relayée.</note></request>");
	ap_case *c = NULL;
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "m.xml", xml, strlen(xml), &c, diags),
	    0);
	ck_assert_str_eq(ap_case_id(c), "CF-TEST-001");
	ck_assert_str_eq(ap_case_organisation(c)->name, "Test Habitat");
	const ap_site *s = ap_case_site(c);
	ck_assert_str_eq(s->name, "Résidence Test");
	ck_assert_int_eq(s->dwellings, 412);
	ck_assert_int_eq(s->built, 1968);
	ck_assert_int_eq(s->lifts, -1);
	ck_assert_double_eq(s->low_income_share, 58);
	ck_assert(s->onsite_fte != s->onsite_fte); /* NAN: absent */
	ck_assert_uint_eq(ap_case_theme_count(c), 2);
	const ap_theme_data *q = ap_case_theme(c, "quality");
	ck_assert_uint_eq(q->n_indicators, 2);
	const ap_indicator *cnt = ap_theme_indicator(q, "complaints.count");
	ck_assert_double_eq(cnt->value, 210);
	ck_assert_int_eq(cnt->period_months, 12);
	ck_assert_int_eq(cnt->line, 12);
	const ap_request *rq = ap_case_request(c);
	ck_assert_uint_eq(rq->n_themes, 2); /* duplicates collapsed */
	ck_assert_str_eq(rq->themes[1], "security");
	ck_assert_int_eq(rq->window_end.month, 12);
	ck_assert_str_eq(rq->note, "Demande relayée.");
	ck_assert_int_eq(ap_case_diagnostic(c)->date.day, 11);
	ap_case_free(c);
	free(xml);
}
END_TEST

/* The values read are those the schema checked: text split by a comment or
 * processing instruction, or made of references, is read whole; a '&' in an
 * attribute is itself. */
START_TEST(values_are_read_as_the_schema_sees_them)
{
	char *xml =
	    variant("<built>1968</built>",
	            "<built>19<!-- about -->6<?tool x?>8</built>"
	            "<situation>encl<![CDATA[av]]>ed</situation>"
	            "<agency-distance-km>&#x31;2.5</agency-distance-km>");
	ap_case *c = NULL;
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "v.xml", xml, strlen(xml), &c, diags),
	    0);
	const ap_site *s = ap_case_site(c);
	ck_assert_int_eq(s->built, 1968);
	ck_assert_str_eq(s->situation, "enclaved");
	ck_assert_double_eq(s->agency_distance_km, 12.5);
	ap_case_free(c);
	free(xml);

	xml = variant("name=\"Résidence Test\"",
	              "name=\"Tours &amp; Barres &#38; co &lt;1&gt; &#233;\"");
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "v.xml", xml, strlen(xml), &c, diags),
	    0);
	ck_assert_str_eq(ap_case_site(c)->name, "Tours & Barres & co <1> é");
	ap_case_free(c);
	free(xml);

	/* A decimal of any length, with spaces around it. */
	char value[160] = "value=\" ";
	memset(value + 8, '0', 100);
	strcpy(value + 108, "61.25 \"");
	xml = variant("value=\"61\"", value);
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "v.xml", xml, strlen(xml), &c, diags),
	    0);
	const ap_theme_data *q = ap_case_theme(c, "quality");
	ck_assert_double_eq(
	    ap_theme_indicator(q, "satisfaction.overall")->value, 61.25);
	ap_case_free(c);
	free(xml);
}
END_TEST

/* Only the casefile namespace's attributes count: a foreign "ref" is
 * refused by the schema, and messages name the element by its real ref. */
START_TEST(foreign_attributes_are_not_ours)
{
	expect_variant(
	    "<indicator ref=\"deal.points\" value=\"1\"/>",
	    "<indicator xmlns:z=\"urn:z\" z:ref=\"other\" ref=\"deal.points\" "
	    "value=\"1\"/>",
	    15, "diagnostic/theme[security]/indicator[deal.points]/@{urn:z}ref",
	    "The attribute '{urn:z}ref' is not allowed");
}
END_TEST

/* Text where only elements may be is one message, however the parser
 * splits it (here at each reference). */
START_TEST(stray_text_is_one_message)
{
	char *xml = variant("<site ", "a &lt;b&gt; c <site ");
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, 2, "casefile",
	       "Character content other than whitespace");
	free(xml);
}
END_TEST

START_TEST(schema_errors_name_line_and_field)
{
	expect_variant("<dwellings>412</dwellings>",
	               "<dwellings>-4</dwellings>", 5, "site/dwellings",
	               "not a valid value");
	expect_variant("<dwellings>412</dwellings>", "", 4, "site",
	               "Missing child element(s)");
	expect_variant("kind=\"oph\"", "kind=\"hlm\"", 3, "organisation/@kind",
	               "not an element of the set");
	expect_variant(
	    "value=\"210\"", "value=\"lots\"", 12,
	    "diagnostic/theme[quality]/indicator[complaints.count]/@value",
	    "not a valid value");
	expect_variant("<indicator ref=\"deal.points\" value=\"1\"/>",
	               "<indicator value=\"1\"/>", 15,
	               "diagnostic/theme[security]/indicator/@ref",
	               "The attribute 'ref' is required but missing");
	expect_variant("id=\"CF-TEST-001\"", "id=\"CF TEST/001\"", 2,
	               "casefile/@id", "not accepted by the pattern");
}
END_TEST

START_TEST(semantic_errors)
{
	expect_variant("date=\"2019-04-11\"", "date=\"2019-02-30\"", 9,
	               "diagnostic/@date",
	               "'2019-02-30' is not a calendar date: month 02 of 2019 "
	               "has 28 days");
	expect_variant("date=\"2019-04-11\"", "date=\"2019-13-01\"", 9,
	               "diagnostic/@date", "no month 13");
	expect_variant(
	    "<request date=\"2019-05-02\"/>",
	    "<request date=\"2019-05-02\"><window start=\"2019-12-20\" "
	    "end=\"2019-09-02\"/></request>",
	    18, "request/window/@end",
	    "the window ends (2019-09-02) before it starts");
	expect_variant(
	    "<indicator ref=\"complaints.count\" value=\"210\" "
	    "period-months=\"12\"/>",
	    "<indicator ref=\"satisfaction.overall\" value=\"70\"/>", 12,
	    "diagnostic/theme[quality]/indicator[satisfaction.overall]/@ref",
	    "given twice in theme 'quality' (first at line 11)");
	expect_variant("<theme ref=\"security\">", "<theme ref=\"quality\">",
	               14, "diagnostic/theme[quality]/@ref",
	               "theme 'quality' appears twice");
	expect_variant("<built>1968</built>", "<built>2021</built>", 6,
	               "site/built", "after the diagnostic (2019)");
	expect_variant("<built>1968</built>", "<built>1492</built>", 6,
	               "site/built", "before 1850");
}
END_TEST

START_TEST(catalogue_errors_and_warnings)
{
	expect_variant(
	    "value=\"61\"", "value=\"161\"", 11,
	    "diagnostic/theme[quality]/indicator[satisfaction.overall]/@value",
	    "a percentage must be between 0 and 100");
	expect_variant(
	    "value=\"210\"", "value=\"-3\"", 12,
	    "diagnostic/theme[quality]/indicator[complaints.count]/@value",
	    "a count cannot be negative");
	expect_variant(
	    "<indicator ref=\"deal.points\" value=\"1\"/>",
	    "<indicator ref=\"deal.points\" value=\"1.5\"/>", 15,
	    "diagnostic/theme[security]/indicator[deal.points]/@value",
	    "a count must be a whole number");
	expect_variant(
	    "unit=\"percent\"", "unit=\"%\"", 11,
	    "diagnostic/theme[quality]/indicator[satisfaction.overall]/@unit",
	    "unit '%' does not match the catalogue's unit 'percent'");

	/* Unknown refs and themes are warnings: the file stays valid. */
	char *xml =
	    variant("<indicator ref=\"deal.points\" value=\"1\"/>",
	            "<indicator ref=\"deal.points\" value=\"1\"/>"
	            "<indicator ref=\"drones.sightings\" value=\"4\"/>");
	ck_assert_uint_eq(check_str(xml), 0);
	expect(AP_WARNING, 15,
	       "diagnostic/theme[security]/indicator[drones.sightings]/@ref",
	       "no indicator 'drones.sightings'");
	free(xml);
	/* A theme with nothing its plugin knows cannot be scored: said at once.
	 */
	xml = variant("<indicator ref=\"deal.points\" value=\"1\"/>",
	              "<indicator ref=\"drones.sightings\" value=\"4\"/>");
	ck_assert_uint_eq(check_str(xml), 0);
	expect(AP_WARNING, 14, "diagnostic/theme[security]",
	       "gives no indicator of its catalogue: it cannot be scored");
	free(xml);
	xml = variant("<theme ref=\"security\">", "<theme ref=\"energy\">");
	ck_assert_uint_eq(check_str(xml), 0);
	expect(AP_WARNING, 14, "diagnostic/theme[energy]/@ref",
	       "no loaded plugin scores theme 'energy'");
	free(xml);
}
END_TEST

/* ---- hostile input
 * ------------------------------------------------------------ */

static const char secret_marker[] = "TOP-SECRET-9f2c";

START_TEST(xxe_local_file_is_refused)
{
	char path[] = "/tmp/appui-secret-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, secret_marker, strlen(secret_marker)),
	                 (ssize_t)strlen(secret_marker));
	close(fd);
	char xml[1024];
	snprintf(xml, sizeof xml,
	         "<?xml version=\"1.0\"?>\n"
	         "<!DOCTYPE casefile [ <!ENTITY xxe SYSTEM \"file://%s\"> ]>\n"
	         "<casefile xmlns=\"urn:appui:casefile:1\" "
	         "id=\"X\">&xxe;</casefile>\n",
	         path);
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, 2, "DOCTYPE",
	       "document type declarations are not allowed");
	for (size_t i = 0; i < ap_diags_count(diags); i++)
		ck_assert(strstr(ap_diags_at(diags, i)->message,
		                 secret_marker) == NULL);
	unlink(path);
}
END_TEST

/* A listening socket on loopback: any attempt to fetch a DTD or entity
 * from it would show as a pending connection. */
START_TEST(xxe_network_is_never_contacted)
{
	int srv = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(srv, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(srv, (struct sockaddr *)&addr, sizeof addr), 0);
	ck_assert_int_eq(listen(srv, 4), 0);
	socklen_t len = sizeof addr;
	ck_assert_int_eq(getsockname(srv, (struct sockaddr *)&addr, &len), 0);
	int port = ntohs(addr.sin_port);

	const char *forms[] = {
	    "<!DOCTYPE casefile SYSTEM \"http://127.0.0.1:%d/casefile.dtd\">\n"
	    "<casefile xmlns=\"urn:appui:casefile:1\" id=\"X\"/>\n",
	    "<!DOCTYPE casefile [ <!ENTITY e SYSTEM \"http://127.0.0.1:%d/e\"> "
	    "]>\n"
	    "<casefile xmlns=\"urn:appui:casefile:1\" "
	    "id=\"X\">&e;</casefile>\n",
	    "<!DOCTYPE casefile [ <!ENTITY %% p SYSTEM "
	    "\"http://127.0.0.1:%d/p\"> %%p; ]>\n"
	    "<casefile xmlns=\"urn:appui:casefile:1\" id=\"X\"/>\n",
	    /* XInclude and schemaLocation are not processed either. */
	    "<casefile xmlns=\"urn:appui:casefile:1\" id=\"X\" "
	    "xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xsi:schemaLocation=\"urn:appui:casefile:1 "
	    "http://127.0.0.1:%d/x.xsd\">"
	    "<xi:include href=\"http://127.0.0.1:%d/inc.xml\"/></casefile>\n",
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		char xml[1024];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(xml, sizeof xml, forms[i], port, port);
#pragma GCC diagnostic pop
		ck_assert_uint_ge(check_str(xml), 1);
		int conn = accept(srv, NULL, NULL);
		ck_assert_msg(conn < 0 &&
		                  (errno == EAGAIN || errno == EWOULDBLOCK),
		              "form %zu connected to the network", i);
	}
	close(srv);
}
END_TEST

START_TEST(entity_bomb_is_refused_at_once)
{
	const char *bomb =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 "
	    "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 "
	    "\"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
	    "\n"
	    " <!ENTITY lol3 "
	    "\"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	    "\n"
	    " <!ENTITY lol4 "
	    "\"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
	    "\n"
	    " <!ENTITY lol5 "
	    "\"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
	    "\n"
	    " <!ENTITY lol6 "
	    "\"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
	    "\n"
	    " <!ENTITY lol7 "
	    "\"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
	    "\n"
	    " <!ENTITY lol8 "
	    "\"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
	    "\n"
	    " <!ENTITY lol9 "
	    "\"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">"
	    "\n"
	    "]>\n"
	    "<casefile xmlns=\"urn:appui:casefile:1\" id=\"&lol9;\"/>\n";
	ck_assert_uint_eq(check_str(bomb), 1);
	expect(AP_ERROR, 2, "DOCTYPE", "not allowed");
}
END_TEST

START_TEST(undeclared_entity_is_an_error)
{
	char *xml = variant("name=\"Test Habitat\"", "name=\"&lol9;\"");
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, 3, "", "Entity 'lol9' not defined");
	free(xml);
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
	const int depth = 100000;
	size_t cap = (size_t)depth * 8 + 200;
	char *xml = malloc(cap);
	strcpy(xml, "<casefile xmlns=\"urn:appui:casefile:1\" id=\"X\">");
	size_t n = strlen(xml);
	for (int i = 0; i < depth; i++) {
		memcpy(xml + n, "<a>", 3);
		n += 3;
	}
	for (int i = 0; i < depth; i++) {
		memcpy(xml + n, "</a>", 4);
		n += 4;
	}
	strcpy(xml + n, "</casefile>");
	ck_assert_uint_eq(check_xml(xml, strlen(xml)), 1);
	expect(AP_ERROR, 1, "", "Excessive depth");
	free(xml);
}
END_TEST

START_TEST(broken_files)
{
	/* Truncated. */
	char *xml = variant("</casefile>", "");
	xml[strlen(xml) - 40] = '\0';
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, -1, "", "truncated");
	free(xml);
	/* Empty. */
	ck_assert_uint_eq(check_xml("", 0), 1);
	expect(AP_ERROR, 0, "", "empty");
	ck_assert_uint_eq(check_str("   \n"), 1);
	expect(AP_ERROR, -1, "", "not well-formed XML");
	/* Binary. */
	unsigned char bin[512];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 7 + 3);
	ck_assert_uint_eq(check_xml((const char *)bin, sizeof bin), 1);
	expect(AP_ERROR, -1, "", "not well-formed XML");
	/* Bad UTF-8. */
	xml = variant("Résidence Test", "R\xc3\x28sidence");
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, 4, "", "UTF-8");
	free(xml);
	/* Declared in another encoding than UTF-8. */
	xml = variant("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, 1, "encoding",
	       "case files are UTF-8, this one declares 'ISO-8859-1'");
	free(xml);
	/* Not XML at all. */
	ck_assert_uint_eq(check_str("site;dwellings\nLes Moulins;412\n"), 1);
	expect(AP_ERROR, 1, "", "Start tag expected");
}
END_TEST

/* The line `needle` is on in `xml`. */
static long line_of(const char *xml, const char *needle)
{
	const char *at = strstr(xml, needle);
	ck_assert_ptr_nonnull(at);
	long line = 1;
	for (const char *p = xml; p < at; p++)
		line += *p == '\n';
	return line;
}

/* The only problem, as the reader gave it. */
static const ap_diag *only_problem(void)
{
	ck_assert_uint_eq(ap_diags_count(diags), 1);
	return ap_diags_at(diags, 0);
}

START_TEST(first_parse_error_is_reported)
{
	/* Quotes inside a quoted value: libxml2 reports it, loses its place
	 * and ends with "Extra content at the end of the document" four
	 * lines down. The first error is the one to fix. */
	char *xml = variant("R\xc3\xa9sidence Test", "R \"and\" D");
	ck_assert_uint_eq(check_str(xml), 1);
	const ap_diag *g = only_problem();
	ck_assert_int_eq(g->line, line_of(xml, "R \"and\" D"));
	ck_assert_ptr_nonnull(strstr(g->message, "attributes construct error"));
	ck_assert_ptr_nonnull(strstr(g->message, "not well-formed XML: "));
	ck_assert_ptr_null(strstr(g->message, "Extra content"));
	ck_assert_ptr_null(strstr(g->message, "truncated"));
	free(xml);

	/* Two mistakes: the first is named, with its line. */
	xml = variant("<built>1968</built>",
	              "<built>1968</bulit>\n<lifts>2</lift>");
	ck_assert_uint_eq(check_str(xml), 1);
	g = only_problem();
	ck_assert_int_eq(g->line, line_of(xml, "</bulit>"));
	ck_assert_ptr_nonnull(strstr(g->message, "built"));
	ck_assert_ptr_nonnull(strstr(g->message, "bulit"));
	free(xml);
}
END_TEST

START_TEST(truncation_hint_only_when_the_file_ends_early)
{
	/* Content after the root element: not a truncation. */
	char *xml = variant("</casefile>", "</casefile>\n<casefile/>");
	ck_assert_uint_eq(check_str(xml), 1);
	const ap_diag *g = only_problem();
	ck_assert_ptr_nonnull(
	    strstr(g->message, "Extra content at the end of the document"));
	ck_assert_ptr_null(strstr(g->message, "truncated"));
	free(xml);
	/* A '>' missing in the middle of the file: not a truncation. */
	xml = variant("<built>1968</built>", "<built>1968</built x");
	ck_assert_uint_eq(check_str(xml), 1);
	g = only_problem();
	ck_assert_int_eq(g->line, line_of(xml, "</built x"));
	ck_assert_ptr_null(strstr(g->message, "truncated"));
	free(xml);
	/* Cut anywhere after the root element opened: a truncation. */
	xml = variant("<built>1968</built>", "<built>1968</built>");
	size_t len = strlen(xml);
	size_t root = (size_t)(strstr(xml, "<casefile") - xml);
	size_t step = (len - root) / 97 + 1;
	for (size_t cut = root + 12; cut + 12 < len; cut += step) {
		ap_diags_clear(diags);
		ck_assert_uint_eq(check_xml(xml, cut), 1);
		g = only_problem();
		ck_assert_msg(strstr(g->message, "(is the file truncated?)"),
		              "cut at %zu: %s", cut, g->message);
	}
	free(xml);
}
END_TEST

START_TEST(wrong_namespace_or_root)
{
	char *xml = variant("urn:appui:casefile:1", "urn:appui:casefile:2");
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, 2, "casefile",
	       "in namespace \"urn:appui:casefile:2\"");
	free(xml);
	xml = variant(" xmlns=\"urn:appui:casefile:1\"", "");
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, 2, "casefile", "with no namespace");
	free(xml);
	ck_assert_uint_eq(
	    check_str("<dossier xmlns=\"urn:appui:casefile:1\"/>"), 1);
	expect(AP_ERROR, 1, "dossier", "the root element must be <casefile");
}
END_TEST

START_TEST(size_limit_and_file_kinds)
{
	ap_reader *small = NULL;
	ck_assert_int_eq(ap_reader_new(&small, APPUI_TEST_SCHEMA, 2048, diags),
	                 0);
	char path[] = "/tmp/appui-big-XXXXXX";
	int fd = mkstemp(path);
	char *xml = variant("</casefile>", "<!-- padding -->\n</casefile>");
	char pad[4096];
	memset(pad, ' ', sizeof pad);
	ck_assert_int_eq(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
	ck_assert_int_eq(write(fd, pad, sizeof pad), (ssize_t)sizeof pad);
	close(fd);
	ap_case *c = NULL;
	ap_diags_clear(diags);
	ck_assert_int_eq(ap_reader_read_file(small, path, &c, diags), -1);
	expect(AP_ERROR, 0, "", "over the limit of 2048 bytes");
	unlink(path);
	free(xml);
	ap_reader_free(small);

	ap_diags_clear(diags);
	ck_assert_int_eq(ap_reader_read_file(reader, "/tmp", &c, diags), -1);
	expect(AP_ERROR, 0, "", "not a regular file");
	char fifo[] = "/tmp/appui-fifo-XXXXXX";
	fd = mkstemp(fifo);
	close(fd);
	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ap_diags_clear(diags);
	ck_assert_int_eq(ap_reader_read_file(reader, fifo, &c, diags), -1);
	expect(AP_ERROR, 0, "", "not a regular file");
	unlink(fifo);
	ap_diags_clear(diags);
	ck_assert_int_eq(
	    ap_reader_read_file(reader, "/nonexistent.xml", &c, diags), -1);
	expect(AP_ERROR, 0, "", "cannot open: No such file or directory");
}
END_TEST

/* The case is built as the parser reads, before the schema has judged the
 * file: structures it refuses must be harmless to the builder too (found by
 * fuzzing: a second request with themes). */
START_TEST(refused_structures_are_harmless)
{
	static const struct {
		const char *from, *to;
	} cases[] = {
	    {"<request date=\"2019-05-02\"/>",
	     "<request date=\"2019-05-02\" themes=\"quality urban\"/>"
	     "<request date=\"2019-05-03\" themes=\"a b c d e f g\"/>"},
	    {"<request date=\"2019-05-02\"/>",
	     "<diagnostic firm=\"F\" date=\"2019-01-01\"><theme "
	     "ref=\"quality\"><indicator ref=\"x\" value=\"1\"/>"
	     "<indicator ref=\"x\" value=\"2\"/></theme></diagnostic>"
	     "<request date=\"2019-05-02\"/>"},
	    {"<built>1968</built>",
	     "<built>1968</built><theme><indicator ref=\"a\"/><indicator "
	     "ref=\"a\"/><observation>x</observation></theme>"},
	    {"<request date=\"2019-05-02\"/>",
	     "<request date=\"2019-05-02\"><theme ref=\"q\"><observation/>"
	     "</theme><note>a</note><note>b</note><window start=\"2019-13-01\" "
	     "end=\"x\"/></request>"},
	    {"<theme ref=\"security\">",
	     "<theme><theme ref=\"quality\"></theme></theme><theme "
	     "ref=\"security\">"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *xml = variant(cases[i].from, cases[i].to);
		ck_assert_msg(check_str(xml) >= 1, "case %zu accepted", i);
		free(xml);
	}
}
END_TEST

/* Duplicates are found in linear time: a file may hold any number of
 * indicators, themes or requested themes (see the "scale" case below). */
START_TEST(many_indicators_are_checked_in_linear_time)
{
	enum { N = 250000 };
	size_t cap = (size_t)N * 48 + 256;
	char *themes = malloc(cap), *p = themes;
	p += sprintf(p, "<theme ref=\"quality\">");
	for (int i = 0; i < N; i++)
		p += sprintf(p, "<indicator ref=\"i%d\" value=\"1\"/>", i);
	/* The same ref again, last: reported with the line of the first. */
	p += sprintf(p, "<indicator ref=\"i7\" value=\"2\"/></theme>");
	char *xml = tu_casefile(412, "", themes);
	ap_case *c = NULL;
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "m.xml", xml, strlen(xml), &c, diags),
	    -1);
	expect(AP_ERROR, -1, "diagnostic/theme[quality]/indicator[i7]/@ref",
	       "given twice");
	ck_assert_uint_eq(ap_diags_errors(diags), 1);
	free(xml);

	/* Without the duplicate, every indicator is in the case. */
	p[-(long)strlen("<indicator ref=\"i7\" value=\"2\"/></theme>")] = '\0';
	strcat(themes, "</theme>");
	xml = tu_casefile(412, "", themes);
	ap_diags_clear(diags);
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "m.xml", xml, strlen(xml), &c, diags),
	    0);
	ck_assert_uint_eq(ap_case_theme(c, "quality")->n_indicators, N);
	ap_case_free(c);
	free(xml);
	free(themes);
}
END_TEST

/* The size limit is the parser's: a file of exactly AP_MAX_FILE_BYTES is
 * read (libxml2 stops past 10,000,000 bytes of one document with "Huge
 * input lookup"), one byte more is refused before parsing. */
START_TEST(largest_file_is_read)
{
	char *base = variant("x", "x");
	size_t n = strlen(base), want = AP_MAX_FILE_BYTES;
	const char *end = strstr(base, "</casefile>");
	ck_assert_ptr_nonnull(end);
	size_t head = (size_t)(end - base);
	char *xml = malloc(want + 2);
	memcpy(xml, base, head);
	size_t at = head, pad = want - n;
	while (pad) { /* comments of at most 1000 bytes, each on its line */
		size_t k = pad < 1000 ? pad : 1000;
		if (k < 8) { /* too short for a comment: spaces */
			memset(xml + at, ' ', k);
		} else {
			memcpy(xml + at, "<!--", 4);
			memset(xml + at + 4, 'x', k - 8);
			memcpy(xml + at + k - 4, "-->\n", 4);
		}
		at += k;
		pad -= k;
	}
	strcpy(xml + at, end);
	ck_assert_uint_eq(strlen(xml), want);
	ap_case *c = NULL;
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "big.xml", xml, want, &c, diags), 0);
	ap_case_free(c);
	/* One byte more. */
	memmove(xml + 1, xml, want + 1);
	xml[0] = ' ';
	ap_diags_clear(diags);
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "big.xml", xml, want + 1, &c, diags),
	    -1);
	expect(AP_ERROR, 0, "", "over the limit of 10000000 bytes");
	free(xml);
	free(base);
}
END_TEST

START_TEST(reader_survives_a_batch_of_bad_files)
{
	/* A parser context reused after errors still reads good files. */
	for (int i = 0; i < 50; i++) {
		ck_assert_uint_ge(check_str("<casefile"), 1);
		char *xml = variant("x", "x");
		ck_assert_uint_eq(check_str(xml), 0);
		free(xml);
	}
}
END_TEST

/* decimal_shorten(): `in` gives `want` (NULL: given as it is). */
static void shortens(const char *in, const char *want)
{
	char out[DECIMAL_SHORT_SIZE];
	int rc = decimal_shorten(in, strlen(in), out);
	if (!want) {
		ck_assert_msg(rc == 0, "'%s' shortened to '%s'", in, out);
		return;
	}
	ck_assert_msg(rc == 1, "'%s' not shortened", in);
	ck_assert_str_eq(out, want);
	size_t n = 0;
	for (const char *p = out; *p; p++)
		n += *p >= '0' && *p <= '9';
	ck_assert_uint_le(n, DECIMAL_MAX_DIGITS + 1); /* "0." counts one */
}

START_TEST(long_decimals_are_shortened_for_the_validator)
{
	/* What libxml2 reads as it is: short, or not a decimal at all. */
	shortens("61", NULL);
	shortens("37.4", NULL);
	shortens("12345678901234567890", NULL);
	shortens("0000000000000000000000000000061.5", NULL);
	shortens("1e3", NULL);
	shortens("61 %", NULL);
	shortens("0x10", NULL);
	shortens("1.2.3", NULL);
	shortens(".", NULL);
	shortens("-", NULL);
	shortens("", NULL);
	shortens("12345678901234567890123.4567e5", NULL);
	/* Exact when the digits that go are zeros. */
	shortens("1.000000000000000000000000000000", "1");
	shortens(" -0.000000000000000000000000000000\n", "-0");
	shortens("+12345678901.0000000000000000000000", "+12345678901");
	/* Else between the same neighbours of 9 + 9 digits: compared with
	 * 0 or 100 (the schema's bounds), the same answer. */
	shortens("100.0000000000000000000000000001", "100.00000000000000001");
	shortens("99.99999999999999999999999999", "99.999999999999999991");
	shortens("-0.000000000000000000000000000001",
	         "-0.00000000000000000001");
	shortens("77.0000000000000000000000000000001", "77.000000000000000001");
	shortens("123456789012345678901234567890", "1000000000");
	shortens("-123456789012345678901234567890.5", "-1000000000");
	shortens(".123456789012345678901234567", "0.12345678901234567891");
}
END_TEST

/* A case of `site_extra` and `value` as the quality indicator's value. */
static char *decimal_case(const char *site_extra, const char *value)
{
	char themes[512];
	snprintf(themes, sizeof themes,
	         "    <theme ref=\"quality\">\n"
	         "      <indicator ref=\"complaints.rate\" value=\"%s\"/>\n"
	         "    </theme>",
	         value);
	return tu_casefile(412, site_extra, themes);
}

START_TEST(decimals_of_any_length_are_read)
{
	/* The schema sets no totalDigits: 30 digits and more are read,
	 * rounded to a double. */
	char *xml = decimal_case(
	    "    <onsite-staff fte=\"1.500000000000000000000000000000001\"/>\n"
	    "    <agency-distance-km>\n"
	    "      2.80000000000000000000000000000000000000001\n"
	    "    </agency-distance-km>\n"
	    "    <occupancy "
	    "low-income-share=\"99.99999999999999999999999999\"/>",
	    "123456789012345678901234567890");
	ap_case *c = NULL;
	ap_diags_clear(diags);
	int rc =
	    ap_reader_read_memory(reader, "t.xml", xml, strlen(xml), &c, diags);
	for (size_t i = 0; i < ap_diags_count(diags); i++)
		ap_diag_print(stderr, ap_diags_at(diags, i));
	ck_assert_int_eq(rc, 0);
	const ap_site *site = ap_case_site(c);
	ck_assert_double_eq(site->onsite_fte, 1.5);
	ck_assert_double_eq(site->agency_distance_km, 2.8);
	ck_assert_double_eq(site->low_income_share, 100.0);
	const ap_theme_data *t = ap_case_theme_at(c, 0);
	ck_assert_double_eq(t->indicators[0].value, 1.2345678901234568e29);
	ap_case_free(c);
	free(xml);

	/* 300 digits. */
	char value[400];
	memset(value, '1', 300);
	strcpy(value + 300, ".25");
	xml = decimal_case("", value);
	c = NULL;
	ap_diags_clear(diags);
	ck_assert_int_eq(
	    ap_reader_read_memory(reader, "t.xml", xml, strlen(xml), &c, diags),
	    0);
	ck_assert_double_eq_tol(ap_case_theme_at(c, 0)->indicators[0].value,
	                        1.1111111111111111e299, 1e284);
	ap_case_free(c);
	free(xml);
}
END_TEST

START_TEST(long_decimals_are_refused_as_the_schema_says)
{
	/* Over the Percent's 100, under NonNegativeDecimal's 0: refused by
	 * the schema's facets, on their line and field, with the file's own
	 * digits. */
	char *xml = decimal_case(
	    "    <onsite-staff fte=\"-0.000000000000000000000000000001\"/>\n"
	    "    <agency-distance-km>-1.0000000000000000000000000001"
	    "</agency-distance-km>\n"
	    "    <occupancy "
	    "low-income-share=\"100.0000000000000000000000000001\"/>",
	    "61");
	ck_assert_uint_eq(check_str(xml), 3);
	expect(AP_ERROR, line_of(xml, "onsite-staff"), "site/onsite-staff/@fte",
	       "[facet 'minInclusive'] The value "
	       "'-0.000000000000000000000000000001' is less than the minimum");
	expect(AP_ERROR, line_of(xml, "<agency"), "site/agency-distance-km",
	       "The value '-1.0000000000000000000000000001' is less than");
	expect(AP_ERROR, line_of(xml, "occupancy"),
	       "site/occupancy/@low-income-share",
	       "[facet 'maxInclusive'] The value "
	       "'100.0000000000000000000000000001' is greater than the "
	       "maximum value allowed ('100')");
	free(xml);

	/* Not a decimal, however long: libxml2's own message. */
	xml = decimal_case("", "61.00000000000000000000000000001e3");
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, -1,
	       "diagnostic/theme[quality]/indicator[complaints.rate]/@value",
	       "'61.00000000000000000000000000001e3' is not a valid value of "
	       "the atomic type 'xs:decimal'");
	free(xml);

	/* A long refused value is shown cut short. */
	char share[300] = "1";
	memset(share + 1, '0', 250);
	share[251] = '\0';
	char extra[400];
	snprintf(extra, sizeof extra, "<occupancy low-income-share=\"%s\"/>",
	         share);
	xml = decimal_case(extra, "61");
	ck_assert_uint_eq(check_str(xml), 1);
	expect(AP_ERROR, -1, "site/occupancy/@low-income-share",
	       "The value '1000000000000000000000000000000000000000...' is "
	       "greater than the maximum");
	free(xml);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reader");
	TCase *tc = tcase_create("valid");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, examples_are_valid);
	tcase_add_test(tc, model_holds_the_file);
	tcase_add_test(tc, values_are_read_as_the_schema_sees_them);
	tcase_add_test(tc, reader_survives_a_batch_of_bad_files);
	suite_add_tcase(s, tc);
	tc = tcase_create("invalid");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, schema_errors_name_line_and_field);
	tcase_add_test(tc, foreign_attributes_are_not_ours);
	tcase_add_test(tc, stray_text_is_one_message);
	tcase_add_test(tc, refused_structures_are_harmless);
	tcase_add_test(tc, semantic_errors);
	tcase_add_test(tc, catalogue_errors_and_warnings);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, xxe_local_file_is_refused);
	tcase_add_test(tc, xxe_network_is_never_contacted);
	tcase_add_test(tc, entity_bomb_is_refused_at_once);
	tcase_add_test(tc, largest_file_is_read);
	tcase_add_test(tc, undeclared_entity_is_an_error);
	tcase_add_test(tc, deep_nesting_is_refused);
	tcase_add_test(tc, broken_files);
	tcase_add_test(tc, first_parse_error_is_reported);
	tcase_add_test(tc, truncation_hint_only_when_the_file_ends_early);
	tcase_add_test(tc, wrong_namespace_or_root);
	tcase_add_test(tc, size_limit_and_file_kinds);
	suite_add_tcase(s, tc);
	/* A quadratic search for duplicates takes about a minute here; the
	 * linear one about a second (ten under the sanitizers). */
	tc = tcase_create("decimals");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, long_decimals_are_shortened_for_the_validator);
	tcase_add_test(tc, decimals_of_any_length_are_read);
	tcase_add_test(tc, long_decimals_are_refused_as_the_schema_says);
	suite_add_tcase(s, tc);
	tc = tcase_create("scale");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, many_indicators_are_checked_in_linear_time);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
