/* appui: a firm's uploads, from the drop zone or the file picker. Each file
 * is sent as it is (Content-Type: application/xml) with the session's CSRF
 * token; its answer is shown at once: the scores, or each problem with its
 * line number. Every text from the service goes in as text, never as HTML. */
"use strict";
(function () {
	var drop = document.getElementById("drop");
	var picker = document.getElementById("files");
	var results = document.getElementById("results");
	var meta = document.querySelector('meta[name="csrf"]');
	if (!drop || !picker || !results || !meta)
		return;
	var csrf = meta.getAttribute("content");
	var bands = {good: 0, watch: 1, degraded: 2, critical: 3};
	var bandNames = ["bon", "à surveiller", "dégradé", "critique"];
	var themes = {quality: "Qualité de service",
	              urban: "Gestion urbaine de proximité",
	              security: "Tranquillité, sécurité"};
	/* What became of a valid file, with its case's id. */
	var outcomes = {
		new_case: function (id) {
			return "enregistré : nouveau dossier " + id;
		},
		new_version: function (id) {
			return "enregistré : nouvelle version du dossier " + id;
		},
		duplicate: function (id) {
			return "dossier " + id + " déjà reçu à l'identique : rien "
				+ "de nouveau";
		},
		valid: function (id) {
			return "dossier " + id + " valide (vérification seule : "
				+ "rien n'est enregistré)";
		}
	};
	/* What a refusal other than a file's own problems means. */
	var refusals = {
		400: "ce n'est pas un fichier XML lisible",
		403: "ce dossier n'est pas celui de votre bureau d'études "
			+ "(diagnostic/@firm), ou la session a expiré : "
			+ "rechargez la page",
		413: "fichier trop volumineux",
		415: "type de fichier refusé : envoyez un fichier XML",
		503: "le service est occupé : réessayez dans un instant",
		507: "le service manque de place : prévenez son administrateur"
	};

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	/* A number as French writes it: one decimal, a decimal comma. */
	function num(x) {
		return typeof x === "number" ? x.toFixed(1).replace(".", ",")
			: String(x);
	}

	function plural(n, one, many) {
		return n + " " + (n === 1 ? one : many);
	}

	/* The name the service gives the file's problems: its own name,
	 * kept to the characters a stored name may hold. */
	function uploadName(name) {
		var s = name.replace(/[^A-Za-z0-9._-]/g, "_").slice(-64);
		return s || "upload.xml";
	}

	function bandBadge(band) {
		var i = bands[band];
		if (i === undefined)
			return el("span", "band", band);
		return el("span", "band b" + i, bandNames[i]);
	}

	function showScores(li, scores) {
		if (!scores || !scores.themes)
			return;
		var t = el("table", "scores");
		var h = t.createTHead().insertRow();
		["Thème", "Besoin", "Intervalle", "Niveau"].forEach(function (x) {
			h.appendChild(el("th", "", x));
		});
		var body = t.createTBody();
		scores.themes.forEach(function (th) {
			var r = body.insertRow();
			r.className = "theme";
			var cells = [themes[th.theme] || th.theme, num(th.need),
			             num(th.need_low) + " à " + num(th.need_high)];
			["Thème", "Besoin", "Intervalle"].forEach(function (x, i) {
				var c = r.insertCell();
				c.setAttribute("data-label", x);
				c.textContent = cells[i];
			});
			var c = r.insertCell();
			c.setAttribute("data-label", "Niveau");
			c.appendChild(bandBadge(th.band));
		});
		li.appendChild(t);
		var m = scores.mission;
		li.appendChild(el("p", "mission", m
			? "Mission recommandée : " + m.days + " jours, priorité "
			  + num(m.priority)
			: "Pas de mission recommandée."));
	}

	function showProblems(li, j) {
		var problems = j.problems;
		if (!problems || !problems.length)
			return;
		var ul = el("ul", "problems");
		problems.forEach(function (p) {
			var item = el("li", "problem " + p.severity);
			item.setAttribute("data-line", p.line);
			item.appendChild(el("span", "line", p.line
				? "ligne " + p.line : "fichier"));
			if (p.severity === "warning")
				item.appendChild(el("span", "kind", "avertissement"));
			if (p.field)
				item.appendChild(el("code", "field", p.field));
			item.appendChild(el("span", "message", p.message));
			item.title = p.text;
			ul.appendChild(item);
		});
		li.appendChild(ul);
		if (j.truncated)
			li.appendChild(el("p", "hint", "… et d'autres problèmes, "
				+ "que la liste ne montre pas : corrigez ceux-ci "
				+ "puis renvoyez le fichier."));
	}

	function accepted(li, j) {
		var state = li.querySelector(".state");
		li.className = "result ok";
		var said = outcomes[j.outcome];
		state.textContent = (said ? said(j.case_id || "") : j.outcome)
			+ (j.version ? ", version " + j.version : "");
		if (j.version) {
			var a = el("a", "open", "voir le dossier");
			a.href = "/casefiles/" + encodeURIComponent(j.case_id);
			li.appendChild(a);
		}
		showScores(li, j.scores);
		showProblems(li, j);
	}

	function refused(li, status, j) {
		li.className = "result bad";
		var why = refusals[status];
		if (j.problems && j.problems.length)
			why = plural(j.errors, "erreur", "erreurs") + " à corriger";
		li.querySelector(".state").textContent = "refusé : "
			+ (why || j.title || "erreur " + status);
		showProblems(li, j);
	}

	function send(file) {
		var li = el("li", "result pending");
		li.appendChild(el("strong", "name", file.name));
		li.appendChild(el("span", "state", "envoi…"));
		results.appendChild(li);
		var dry = document.getElementById("dry-run").checked ? "1" : "0";
		var url = "/v1/casefiles?dry_run=" + dry + "&name="
			+ encodeURIComponent(uploadName(file.name));
		return fetch(url, {
			method: "POST",
			credentials: "same-origin",
			headers: {"Content-Type": "application/xml",
			          "X-CSRF-Token": csrf},
			body: file
		}).then(function (r) {
			return r.json().then(function (j) {
				if (r.status === 200 || r.status === 201)
					accepted(li, j);
				else
					refused(li, r.status, j);
				return r.status === 201;
			});
		}).catch(function () {
			li.className = "result bad";
			li.querySelector(".state").textContent =
				"le service ne répond pas : réessayez";
			return false;
		});
	}

	/* The case files' table as the page has it now. */
	function refreshCases() {
		var table = document.getElementById("cases");
		if (!table)
			return Promise.resolve();
		return fetch("/", {credentials: "same-origin"}).then(function (r) {
			return r.ok ? r.text() : null;
		}).then(function (html) {
			if (!html)
				return;
			var doc = new DOMParser().parseFromString(html, "text/html");
			var fresh = doc.getElementById("cases");
			if (fresh)
				table.replaceWith(document.importNode(fresh, true));
		}).catch(function () {});
	}

	function sendAll(files) {
		var p = Promise.resolve(false);
		Array.prototype.forEach.call(files, function (f) {
			p = p.then(function (stored) {
				return send(f).then(function (s) { return stored || s; });
			});
		});
		return p.then(function (stored) {
			if (stored)
				return refreshCases();
		});
	}

	drop.addEventListener("dragover", function (e) {
		e.preventDefault();
		drop.classList.add("over");
	});
	drop.addEventListener("dragleave", function () {
		drop.classList.remove("over");
	});
	drop.addEventListener("drop", function (e) {
		e.preventDefault();
		drop.classList.remove("over");
		sendAll(e.dataTransfer.files);
	});
	picker.addEventListener("change", function () {
		sendAll(picker.files).then(function () { picker.value = ""; });
	});
})();
