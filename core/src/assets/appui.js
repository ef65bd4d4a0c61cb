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
	var bands = {good: "bon", watch: "à surveiller", degraded: "dégradé",
	             critical: "critique"};
	var outcomes = {new_case: "enregistré : nouveau dossier",
	                new_version: "enregistré : nouvelle version",
	                duplicate: "déjà reçu à l'identique, rien de nouveau",
	                valid: "valide (vérification seule, rien "
	                       + "d'enregistré)"};

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	/* The name the service gives the file's problems: its own name,
	 * kept to the characters a stored name may hold. */
	function uploadName(name) {
		var s = name.replace(/[^A-Za-z0-9._-]/g, "_").slice(-64);
		return s || "upload.xml";
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
			r.insertCell().textContent = th.theme;
			r.insertCell().textContent = th.need;
			r.insertCell().textContent = th.need_low + "–" + th.need_high;
			r.insertCell().textContent = bands[th.band] || th.band;
		});
		li.appendChild(t);
		var m = scores.mission;
		li.appendChild(el("p", "mission", m
			? "Mission recommandée : " + m.days + " jours, priorité "
			  + m.priority
			: "Pas de mission recommandée."));
	}

	function showProblems(li, problems) {
		if (!problems || !problems.length)
			return;
		var ul = el("ul", "problems");
		problems.forEach(function (p) {
			var item = el("li", "problem " + p.severity);
			item.setAttribute("data-line", p.line);
			item.appendChild(el("span", "line", p.line
				? "ligne " + p.line : "fichier"));
			item.appendChild(document.createTextNode(
				(p.field ? " " + p.field : "") + " : " + p.message));
			item.title = p.text;
			ul.appendChild(item);
		});
		li.appendChild(ul);
	}

	function show(li, status, j) {
		var state = li.querySelector(".state");
		if (status === 200 || status === 201) {
			li.className = "result ok";
			state.textContent = " : " + (outcomes[j.outcome] || j.outcome)
				+ (j.version ? " (version " + j.version + ")" : "");
			showScores(li, j.scores);
			showProblems(li, j.problems);
			return;
		}
		li.className = "result bad";
		state.textContent = " : refusé (" + status + ") — " + (j.problems
			? j.errors + " erreur(s)" : j.text || j.title);
		showProblems(li, j.problems);
	}

	function send(file) {
		var li = el("li", "result pending");
		li.appendChild(el("strong", "name", file.name));
		li.appendChild(el("span", "state", " : envoi…"));
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
			return r.json().then(function (j) { show(li, r.status, j); });
		}).catch(function () {
			li.className = "result bad";
			li.querySelector(".state").textContent =
				" : le service ne répond pas ; réessayez";
		});
	}

	function sendAll(files) {
		var p = Promise.resolve();
		Array.prototype.forEach.call(files, function (f) {
			p = p.then(function () { return send(f); });
		});
		return p;
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
	drop.addEventListener("keydown", function (e) {
		if (e.key === "Enter" || e.key === " ") {
			e.preventDefault();
			picker.click();
		}
	});
	picker.addEventListener("change", function () {
		sendAll(picker.files).then(function () { picker.value = ""; });
	});
})();
