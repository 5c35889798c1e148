"""read_vault on the real MuseumXTD sample and on the seed vault: the model, whole."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from xtdpublish.config import load_config
from xtdpublish.model import LinkStatus
from xtdpublish.report import Report
from xtdpublish.vault.note_ids import note_ids
from xtdpublish.vault.reader import read_vault


def read(root: Path):
    report = Report()
    return read_vault(root, load_config(root), report), report


def by_path(model):
    return {note.path: note for note in model.notes}


# --- the MuseumXTD sample -------------------------------------------------------------------


def test_sample_every_published_note_and_nothing_else(sample_vault):
    model, _ = read(sample_vault)
    expected = sorted(
        str(p.relative_to(sample_vault)) for folder in ("Notes", "Navigation")
        for p in (sample_vault / folder).rglob("*.md")
    ) + ["index.md"]
    assert [n.path for n in model.notes] == sorted(expected)
    assert not [n for n in model.notes
                if n.path.startswith(("Brouillon/", "Template/", ".trash/"))]
    # Drafts and templates are excluded by the editors' config, and the report says so;
    # the trash is a dot-folder, hidden in Obsidian too: listed once, with its notes counted.
    excluded = "excluded by vault.include / vault.exclude in the configuration"
    trash = len(list((sample_vault / ".trash").rglob("*.md")))
    assert [(s.path, s.reason) for s in model.skipped] == [
        (".trash/", "hidden folder: its name starts with a dot, and Obsidian does not show "
                    f"such folders either; its {trash} notes are not published"),
    ] + [
        (f"{folder}/{p.name}", excluded)
        for folder in ("Brouillon", "Template")
        for p in sorted((sample_vault / folder).glob("*.md"))
    ]
    assert len({n.id for n in model.notes}) == len(model.notes)
    assert model.root == sample_vault
    assert model.site.title == "MuseumXTD" and model.site.language == "fr"


def test_sample_titles_tags_and_ids(sample_vault):
    notes = by_path(read(sample_vault)[0])
    strategy = notes["Notes/Comment élaborer une stratégie numérique.md"]
    assert (strategy.title, strategy.title_source) == (
        "Comment élaborer une stratégie numérique?", "alias")
    assert strategy.id == "comment-elaborer-une-strategie-numerique"
    assert strategy.tags == ("question",)
    forum = notes["Notes/MuseumXTD - Antoine Roland.md"]
    assert forum.tags == ("ressource", "forum", "francais")
    ramuz = notes["Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md"]
    assert ramuz.id == "le-projet-ramuz-cas-d-etude-des-musees-de-pully-autour-de-c-f-ramuz"
    assert notes["Navigation/Forum 2022.md"].title == "Forum 2022"


def test_sample_link_statuses(sample_vault):
    model, _ = read(sample_vault)
    notes = by_path(model)
    business = notes["Notes/Quels nouveaux modèles d'affaire grâce au numérique.md"]
    doors = [l for l in business.links if l.target_text == "Le projet DOORS"]
    assert [(l.status, l.target, l.line) for l in doors] == [(LinkStatus.DANGLING, None, 20)]
    index = notes["index.md"]
    assert [(l.target, l.line) for l in index.links[:3]] == [
        ("pour-demarrer", 10), ("numerique-et-musee-quelques-definitions", 13),
        ("qu-est-ce-qu-une-strategie-numerique", 14),
    ]
    organisation = notes["Notes/Organisation.md"]
    assert organisation.links[0].status == LinkStatus.ASSET
    assert organisation.links[0].asset == "images/Logo-Canton_de_Vaud.svg"
    ramuz = notes["Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md"]
    assert "index" in ramuz.backlinks
    statuses = sorted({str(l.status) for n in model.notes for l in n.links})
    assert statuses == ["asset", "dangling", "resolved"]
    assert [a.path for a in model.assets] == sorted(
        f"images/{p.name}" for p in (sample_vault / "images").iterdir())
    for note in model.notes:
        for n, link in enumerate(note.links):
            assert f"xtd:link/{n}" in note.body_html, (note.path, link.raw)


def test_sample_navigation_parts_in_the_order_of_the_index(sample_vault):
    model, _ = read(sample_vault)
    assert model.nav.kind == "root" and model.nav.title == "MuseumXTD"
    assert model.nav.note == "index"
    assert [(c.title, c.kind) for c in model.nav.children] == [
        ("Comprendre la transformation numérique", "note"),
        ("Gérer son environnement numérique", "note"),
        ("Gérer ses collections", "note"),
        ("Concevoir l'expérience visiteur", "note"),
        ("Autres notes", "unlisted"),
    ]
    in_nav = [node.note for node in model.nav.walk() if node.note]
    assert sorted(in_nav) == sorted(n.id for n in model.notes)
    assert len(in_nav) == len(set(in_nav))
    notes = by_path(model)
    assert notes["Notes/Gérer ses collections.md"].nav_parent == "index"
    assert notes["Notes/Numérique ou digital.md"].nav_parent == (
        "numerique-et-musee-quelques-definitions")


def test_sample_model_is_deterministic(sample_vault):
    first, _ = read(sample_vault)
    second, _ = read(sample_vault)
    assert first == second


def test_sample_diagnostics_whole_list(sample_vault):
    _, report = read(sample_vault)
    assert [(d.path, d.line, d.code) for d in report.sorted()] == SAMPLE_DIAGNOSTICS


# --- the seed vault -------------------------------------------------------------------------


def test_seed_titles(seed_vault):
    model, _ = read(seed_vault)
    titles = {n.path: (n.title, n.title_source) for n in model.notes}
    assert titles == {
        "Comment élaborer une stratégie numérique.md":
            ("Comment élaborer une stratégie numérique?", "alias"),
        "Initiatives internationales pour la transition des petits et moyens musées.md":
            ("Initiatives internationales pour la transition des petits et moyens musées",
             "heading"),
        "Journée professionnelle - La Stratégie numérique dans les musées, pour une approche "
        "globale du numérique.md":
            ("Journée professionnelle - La Stratégie numérique dans les musées, pour une "
             "approche globale du numérique", "filename"),
        "Pourquoi développer une stratégie numérique.md":
            ("Pourquoi développer une stratégie numérique dans les musées ?", "heading"),
        "Qu'est-ce qu'une stratégie numérique.md":
            ("Qu'est-ce qu'une stratégie numérique pour un musée ?", "heading"),
    }


def test_seed_links_to_each_other_resolve(seed_vault):
    model, report = read(seed_vault)
    seed_ids = {n.id for n in model.notes}
    between = [(n.id[:12], l.target[:12], l.status) for n in model.notes for l in n.links
               if l.target in seed_ids]
    resolved = LinkStatus.RESOLVED
    assert between == [
        ("comment-elab", "qu-est-ce-qu", resolved),
        ("journee-prof", "pourquoi-dev", resolved),
        ("journee-prof", "qu-est-ce-qu", resolved),
        ("journee-prof", "comment-elab", resolved),
        ("pourquoi-dev", "comment-elab", resolved),
        ("pourquoi-dev", "qu-est-ce-qu", resolved),
        ("pourquoi-dev", "journee-prof", resolved),
        ("qu-est-ce-qu", "journee-prof", resolved),  # [[ Journée professionnelle ... ]]
    ]
    assert model.note("qu-est-ce-qu-une-strategie-numerique").backlinks == (
        "comment-elaborer-une-strategie-numerique",
        "journee-professionnelle-la-strategie-numerique-dans-les-musees-pour-une-approche-"
        "globale-du-numerique",
        "pourquoi-developper-une-strategie-numerique",
    )
    assert [(d.path, d.line, d.code) for d in report.sorted()] == SEED_DIAGNOSTICS


def test_note_ids_use_the_whole_path_when_file_names_collide():
    assert note_ids(["Notes/Foo.md", "Old/foo.md", "Bar baz.md", "Bar-baz.md", "É.md"]) == {
        "Notes/Foo.md": "notes-foo", "Old/foo.md": "old-foo",
        "Bar baz.md": "bar-baz", "Bar-baz.md": "bar-baz-2", "É.md": "e",
    }


def test_note_ids_are_ascii_slugs_even_for_names_with_no_ascii_form():
    """Found by tests/test_fuzz_vaults.py: ``日本語.md`` had the id ``日本語``, which
    model.json's schema (``^[a-z0-9][a-z0-9-]*$``) refuses."""
    ids = note_ids(["日本語.md", "שלום עולם.md", "🙂.md", "a/日本.md", "b/日本.md", "Café.md"])
    assert ids == {
        "日本語.md": "wgv71a119e", "שלום עולם.md": "9hcbzddd1b8c", "🙂.md": "note",
        "a/日本.md": "a", "b/日本.md": "b", "Café.md": "cafe",
    }
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", i) for i in ids.values())


SAMPLE_DIAGNOSTICS = [
    ('Navigation/A propos.md', 7, 'a11y.link-text'),
    ('Navigation/A propos.md', 42, 'link.dangling'),
    ('Navigation/A propos.md', 46, 'a11y.link-text'),
    ('Navigation/Forum 2022.md', 14, 'link.dangling'),
    ('Navigation/Forum 2022.md', 17, 'link.dangling'),
    ('Navigation/Forum 2022.md', 24, 'a11y.link-text'),
    ('Navigation/Forum 2022.md', 28, 'a11y.link-text'),
    ('Navigation/Répertoire.md', 6, 'link.dangling'),
    ('Navigation/Répertoire.md', 8, 'link.dangling'),
    ('Navigation/footer.md', 25, 'link.dangling'),
    ('Navigation/navLinks.md', 1, 'link.dangling'),
    ('Notes/20 ans de numérique dans les musées.md', 15, 'link.dangling'),
    ('Notes/A propos test.md', 30, 'a11y.link-text'),
    ('Notes/A propos test.md', 32, 'a11y.link-text'),
    ('Notes/Comment créer et valoriser une collection numérique.md', 5, 'frontmatter.recovered'),
    ('Notes/Comment créer et valoriser une collection numérique.md', 14, 'link.dangling'),
    ('Notes/Comment créer et valoriser une collection numérique.md', 20, 'link.dangling'),
    ('Notes/Comment créer et valoriser une collection numérique.md', 25, 'link.dangling'),
    ('Notes/Comment créer et valoriser une collection numérique.md', 28, 'link.dangling'),
    ('Notes/Comment créer et valoriser une collection numérique.md', 33, 'link.dangling'),
    ('Notes/Comment mener un projet numérique.md', 5, 'frontmatter.recovered'),
    ('Notes/Comment mener un projet numérique.md', 16, 'link.dangling'),
    ('Notes/Comment mener un projet numérique.md', 20, 'link.dangling'),
    ('Notes/Comment mener un projet numérique.md', 24, 'link.dangling'),
    ('Notes/Comment mener un projet numérique.md', 26, 'link.dangling'),
    ('Notes/Comment penser la médiation avec le numérique.md', 5, 'frontmatter.recovered'),
    ('Notes/Comment penser la médiation avec le numérique.md', 20, 'link.dangling'),
    ('Notes/Comment penser la médiation avec le numérique.md', 22, 'link.dangling'),
    ('Notes/Comment penser le marketing et la communication avec le numérique.md', 5, 'frontmatter.recovered'),
    ('Notes/Comment penser le marketing et la communication avec le numérique.md', 20, 'link.dangling'),
    ('Notes/Comment penser le marketing et la communication avec le numérique.md', 22, 'link.dangling'),
    ('Notes/Comment penser le marketing et la communication avec le numérique.md', 28, 'link.dangling'),
    ('Notes/Comment utiliser le numérique de façon durable.md', 5, 'frontmatter.recovered'),
    ('Notes/Comment utiliser le numérique de façon durable.md', 17, 'link.dangling'),
    ('Notes/Comment utiliser le numérique de façon durable.md', 19, 'link.dangling'),
    ('Notes/Comment utiliser le numérique de façon durable.md', 21, 'link.dangling'),
    ('Notes/Comment utiliser le numérique de façon durable.md', 23, 'link.dangling'),
    ('Notes/Comment utiliser le numérique de façon durable.md', 25, 'link.dangling'),
    ('Notes/Comment utiliser le numérique de façon durable.md', 27, 'link.dangling'),
    ('Notes/Comment élaborer une stratégie numérique.md', 5, 'frontmatter.recovered'),
    ('Notes/Comment élaborer une stratégie numérique.md', 17, 'link.dangling'),
    ('Notes/Comment élaborer une stratégie numérique.md', 21, 'link.dangling'),
    ('Notes/Comment évaluer un projet numérique.md', 5, 'frontmatter.recovered'),
    ('Notes/Comment évaluer un projet numérique.md', 14, 'link.dangling'),
    ('Notes/Comment évaluer un projet numérique.md', 18, 'link.dangling'),
    ('Notes/Comment évaluer un projet numérique.md', 20, 'link.dangling'),
    ('Notes/Comment évaluer un projet numérique.md', 22, 'link.dangling'),
    ('Notes/Comprendre la transformation numérique.md', 22, 'link.dangling'),
    ('Notes/Crowdsourcing the digital transformation of heritage.md', 18, 'link.dangling'),
    ('Notes/Culture numérique.md', 17, 'link.dangling'),
    ('Notes/Culture numérique.md', 19, 'link.dangling'),
    ('Notes/Démarches open et licences libres.md', 15, 'link.dangling'),
    ('Notes/Démarches open et licences libres.md', 18, 'link.dangling'),
    ('Notes/Exemples de projets de numérisation des collections et leurs applications.md', 23, 'link.dangling'),
    ('Notes/Exemples de stratégies numériques de musées.md', 14, 'link.dangling'),
    ('Notes/Exemples de stratégies numériques de musées.md', 22, 'link.dangling'),
    ("Notes/Exemples et retours d'expérience de projets numériques de médiation.md", 14, 'link.fragment'),
    ("Notes/Exemples et retours d'expérience de projets numériques de médiation.md", 18, 'link.dangling'),
    ("Notes/Innovez ! les injonctions au numérique au travers de l'exemple de deux musées français.md", 29, 'link.dangling'),
    ('Notes/Le numérique a-t-il tué la médiation physique des musées.md', 5, 'frontmatter.recovered'),
    ('Notes/Le numérique a-t-il tué la médiation physique des musées.md', 16, 'link.dangling'),
    ('Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md', 2, 'title.site-name'),
    ('Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md', 21, 'link.dangling'),
    ('Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md', 33, 'link.dangling'),
    ('Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md', 36, 'link.dangling'),
    ('Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md', 37, 'link.dangling'),
    ('Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md', 38, 'link.dangling'),
    ('Notes/Le projet Ramuz. Cas d’étude des Musées de Pully autour de C. F. Ramuz.md', 42, 'link.dangling'),
    ('Notes/Les outils numériques du marketing et de la communication.md', 17, 'a11y.link-text'),
    ('Notes/Les outils numériques du marketing et de la communication.md', 27, 'link.dangling'),
    ('Notes/Livre blanc des visites guidées à distance.md', 22, 'a11y.link-text'),
    ('Notes/L’évaluation dans la culture. Pourquoi et comment évaluer.md', 5, 'frontmatter.recovered'),
    ('Notes/Museum Innovation Barometer.md', 23, 'link.dangling'),
    ('Notes/Musées et numérique.md', 14, 'link.dangling'),
    ('Notes/Numérique et musée, quelques définitions.md', 15, 'link.dangling'),
    ('Notes/Numérique et musée, quelques définitions.md', 17, 'link.dangling'),
    ('Notes/Numérique et musée, quelques définitions.md', 18, 'link.dangling'),
    ('Notes/Organisation.md', 18, 'a11y.image-alt'),
    ('Notes/Organisation.md', 18, 'a11y.image-alt'),
    ('Notes/Organisation.md', 24, 'a11y.image-alt'),
    ('Notes/Organisation.md', 38, 'a11y.image-alt'),
    ('Notes/Organisation.md', 39, 'a11y.image-alt'),
    ('Notes/Organisation.md', 40, 'a11y.image-alt'),
    ('Notes/Organisation.md', 49, 'a11y.image-alt'),
    ("Notes/Pourquoi et comment réaliser un projet d'exposition virtuelle.md", 5, 'frontmatter.recovered'),
    ("Notes/Pourquoi et comment réaliser un projet d'exposition virtuelle.md", 13, 'link.dangling'),
    ("Notes/Pourquoi et comment réaliser un projet d'exposition virtuelle.md", 13, 'link.dangling'),
    ("Notes/Pourquoi et comment réaliser un projet d'exposition virtuelle.md", 19, 'link.dangling'),
    ("Notes/Pourquoi et comment réaliser un projet d'exposition virtuelle.md", 23, 'link.dangling'),
    ("Notes/Pourquoi et comment réaliser un projet d'exposition virtuelle.md", 25, 'link.dangling'),
    ("Notes/Pourquoi et comment réaliser un projet d'exposition virtuelle.md", 30, 'link.dangling'),
    ("Notes/Qu'est-ce qu'une stratégie numérique.md", 5, 'frontmatter.recovered'),
    ("Notes/Qu'est-ce qu'une stratégie numérique.md", 15, 'link.dangling'),
    ("Notes/Qu'est-ce qu'une stratégie numérique.md", 17, 'link.dangling'),
    ("Notes/Qu'est-ce qu'une stratégie numérique.md", 19, 'link.dangling'),
    ("Notes/Qu'est-ce qu'une stratégie numérique.md", 21, 'link.dangling'),
    ("Notes/Qu'est-ce qu'une stratégie numérique.md", 23, 'link.dangling'),
    ('Notes/Quel cadre légal pour la transformation numérique.md', 5, 'frontmatter.recovered'),
    ('Notes/Quel cadre légal pour la transformation numérique.md', 16, 'link.dangling'),
    ("Notes/Quel est l'impact du COVID-19 sur la numérisation des musées.md", 5, 'frontmatter.recovered'),
    ("Notes/Quel est l'impact du COVID-19 sur la numérisation des musées.md", 16, 'link.dangling'),
    ("Notes/Quel est l'impact du COVID-19 sur la numérisation des musées.md", 18, 'link.dangling'),
    ("Notes/Quel est l'impact du COVID-19 sur la numérisation des musées.md", 22, 'link.dangling'),
    ("Notes/Quel est l'impact du COVID-19 sur la numérisation des musées.md", 26, 'link.dangling'),
    ('Notes/Quelles sont les compétences numériques à acquérir et à développer en interne.md', 5, 'frontmatter.recovered'),
    ('Notes/Quelles sont les compétences numériques à acquérir et à développer en interne.md', 17, 'link.dangling'),
    ('Notes/Quelles sont les compétences numériques à acquérir et à développer en interne.md', 19, 'link.dangling'),
    ('Notes/Quelles sont les compétences numériques à acquérir et à développer en interne.md', 22, 'link.dangling'),
    ("Notes/Quels nouveaux modèles d'affaire grâce au numérique.md", 5, 'frontmatter.recovered'),
    ("Notes/Quels nouveaux modèles d'affaire grâce au numérique.md", 14, 'link.dangling'),
    ("Notes/Quels nouveaux modèles d'affaire grâce au numérique.md", 16, 'link.dangling'),
    ("Notes/Quels nouveaux modèles d'affaire grâce au numérique.md", 20, 'link.dangling'),
    ("Notes/Quels nouveaux modèles d'affaire grâce au numérique.md", 24, 'link.dangling'),
    ('Notes/Quels sont les opportunités et les freins.md', 5, 'frontmatter.recovered'),
    ('Notes/Quels sont les opportunités et les freins.md', 24, 'link.dangling'),
    ('Notes/Quels sont les opportunités et les freins.md', 26, 'link.dangling'),
    ('Notes/Quels sont les opportunités et les freins.md', 28, 'link.dangling'),
    ('Notes/Quels sont les outils à utiliser.md', 5, 'frontmatter.recovered'),
    ('Notes/Quels sont les outils à utiliser.md', 18, 'link.dangling'),
    ('Notes/Quels sont les outils à utiliser.md', 26, 'link.dangling'),
    ('Notes/Quels sont les outils à utiliser.md', 28, 'link.dangling'),
    ('Notes/Réseaux sociaux et musées. Aide à la décision.md', 17, 'a11y.link-text'),
    ('Notes/Technologies, quelles tendances.md', 5, 'frontmatter.recovered'),
    ('Notes/Technologies, quelles tendances.md', 16, 'link.dangling'),
    ('Notes/The impact of digital technology on arts culture in the UK.md', 20, 'link.dangling'),
    ('Notes/Transition écologique et musées.md', 13, 'link.dangling'),
    ('Notes/Transition écologique et musées.md', 15, 'link.dangling'),
]
SEED_DIAGNOSTICS = [
    ('Comment élaborer une stratégie numérique.md', 5, 'frontmatter.recovered'),
    ('Comment élaborer une stratégie numérique.md', 8, 'link.dangling'),
    ('Comment élaborer une stratégie numérique.md', 13, 'link.dangling'),
    ('Comment élaborer une stratégie numérique.md', 15, 'link.dangling'),
    ('Comment élaborer une stratégie numérique.md', 17, 'link.dangling'),
    ('Comment élaborer une stratégie numérique.md', 20, 'link.dangling'),
    ('Initiatives internationales pour la transition des petits et moyens musées.md', 13, 'link.dangling'),
    ('Initiatives internationales pour la transition des petits et moyens musées.md', 17, 'link.dangling'),
    ('Initiatives internationales pour la transition des petits et moyens musées.md', 30, 'link.dangling'),
    ('Initiatives internationales pour la transition des petits et moyens musées.md', 34, 'link.dangling'),
    ('Journée professionnelle - La Stratégie numérique dans les musées, pour une approche globale du numérique.md', 5, 'frontmatter.comment-value'),
    ('Pourquoi développer une stratégie numérique.md', 1, 'frontmatter.pseudo-header'),
    ('Pourquoi développer une stratégie numérique.md', 12, 'link.dangling'),
    ('Pourquoi développer une stratégie numérique.md', 14, 'link.dangling'),
    ('Pourquoi développer une stratégie numérique.md', 18, 'link.dangling'),
    ('Pourquoi développer une stratégie numérique.md', 20, 'link.dangling'),
    ('Pourquoi développer une stratégie numérique.md', 22, 'link.dangling'),
    ('Pourquoi développer une stratégie numérique.md', 24, 'link.dangling'),
    ("Qu'est-ce qu'une stratégie numérique.md", 5, 'frontmatter.comment-value'),
    ("Qu'est-ce qu'une stratégie numérique.md", 13, 'link.dangling'),
    ("Qu'est-ce qu'une stratégie numérique.md", 17, 'link.dangling'),
    ("Qu'est-ce qu'une stratégie numérique.md", 19, 'link.dangling'),
]


def test_no_hash_order_leaks_into_the_model(make_vault):
    """Two processes with different hash seeds read the same vault into the same model."""
    import os
    import subprocess
    import sys

    root = make_vault({
        "index.md": "---\neleventyNavigation:\n  key: home\n---\n[[b]] [[Same]] ![[p.png]]\n",
        "a/Same.md": "---\naliases: [Twin]\neleventyNavigation:\n  key: s1\n  parent: home\n---\nx\n",
        "b/Same.md": "---\neleventyNavigation:\n  key: s2\n  parent: home\n---\n[[Twin]]\n",
        "b.md": "[[index]] [[nowhere]] ![[b]]\n", "c.md": "# C\n", "p.png": b"\x89PNG",
    })
    script = (
        "import sys; from pathlib import Path\n"
        "from xtdpublish.config import load_config\nfrom xtdpublish.report import Report\n"
        "from xtdpublish.vault.reader import read_vault\n"
        "root = Path(sys.argv[1]); m = read_vault(root, load_config(root), Report())\n"
        "print(repr([[getattr(n, f) for f in n.__slots__] for n in m.notes]), m.nav, m.assets,"
        " m.diagnostics)\n"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True,
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert "link.ambiguous" in outputs.pop()


NAMES = ["A", "b", "Sub/C", "Sub/a", "Été", "index"]
BODY_PIECES = st.sampled_from(
    [f"[[{n.split('/')[-1]}]] " for n in NAMES] + [f"![[{n}]] " for n in NAMES] + [
        "[[Nowhere]] ", "[[#H]] ", "# H\n", "\n\n", "![[p.png]] ", "[x](Sub/C.md) ", "`[[A]]` ",
        "%%[[b]]%% ", "> [!note] T\n", "text ", "^blk\n",
    ])
NAV = st.one_of(st.none(), st.tuples(st.sampled_from(["k1", "k2", "k3", "home"]),
                                     st.sampled_from([None, "k1", "k2", "k3", "home", "zz"])))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(BODY_PIECES, max_size=8), NAV), min_size=len(NAMES),
                max_size=len(NAMES)))
def test_any_small_vault_gives_a_consistent_model(notes):
    import tempfile

    from conftest import write_vault

    with tempfile.TemporaryDirectory() as folder:
        files = {"p.png": b"\x89PNG"}
        for name, (pieces, nav) in zip(NAMES, notes):
            front = ""
            if nav:
                parent = f"\n  parent: {nav[1]}" if nav[1] else ""
                front = f"---\neleventyNavigation:\n  key: {nav[0]}{parent}\n---\n"
            files[f"{name}.md"] = front + "".join(pieces) + "\nend\n"
        root = write_vault(Path(folder), files)
        model, report = read(root)
    ids = [n.id for n in model.notes]
    assert len(ids) == len(set(ids)) == len(NAMES)
    in_nav = [node.note for node in model.nav.walk() if node.note]
    assert sorted(in_nav) == sorted(ids)
    for note in model.notes:
        for n, link in enumerate(note.links):
            assert f"xtd:link/{n}" in note.body_html
            if link.status in (LinkStatus.RESOLVED, LinkStatus.AMBIGUOUS):
                assert link.target in ids
                if link.target != note.id:
                    assert note.id in model.note(link.target).backlinks
        assert note.id not in note.backlinks
        assert list(note.backlinks) == sorted(set(note.backlinks))
    assert model.diagnostics == tuple(report.diagnostics)


def test_an_unpublished_target_never_has_a_published_notes_id(make_vault):
    """Found by tests/test_fuzz_vaults.py: a draft ``Note.md`` beside a published ``note.md``
    got the id ``note`` too, so its links pointed at the published note."""
    root = make_vault({
        "note.md": "# published\n", "Note.md": "---\ndraft: true\n---\n# draft\n",
        "a/x.md": "---\ndraft: true\n---\nx\n", "b/x.md": "---\ndraft: true\n---\nx\n",
        "links.md": "[[Note]] [[a/x]] [[b/x]]\n",
    })
    model, _ = read(root)
    links = model.note("links").links
    assert [link.status for link in links] == [LinkStatus.UNPUBLISHED] * 3
    targets = [link.target for link in links]
    assert len(set(targets)) == 3 and not set(targets) & {n.id for n in model.notes}
