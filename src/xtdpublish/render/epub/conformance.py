"""What the book says of its accessibility: modes, features, summary, and a conformance claim
only when the book earns it.

The claim is ``dcterms:conformsTo`` "EPUB Accessibility 1.1 - WCAG 2.2 Level AA" with
``a11y:certifiedBy`` naming the tool that checked. The checks are xtdpublish's: every
chapter carries its DPUB-ARIA roles, every page its language, headings follow the guide,
videos are links (this renderer's work), and what only the notes can give is there:
every image has the alternative text its note wrote (the model marks the ones whose text
is their file name, ``data-alt="guessed"``) and every table has a header row. A book that
falls short claims nothing, says why in its accessibility summary, and the build warns.
"""

from __future__ import annotations

from ...report import Report
from .chapters import Chapters

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
CERTIFIED_BY = "xtdpublish"
PLACE = "guide.epub"  # where the build's warning points: the book, not one note

WORDS = {
    "fr": {
        "reading": "Le livre suit l'ordre de lecture du guide : une table des matières et des titres "
                   "structurés permettent d'y naviguer. Les vidéos sont remplacées par un lien.",
        "images": "Chaque image porte le texte de remplacement que sa note lui donne.",
        "guessed": ("Une image n'a pas de texte de remplacement dans sa note : son nom de fichier en tient lieu.",
                    "{n} images n'ont pas de texte de remplacement dans leur note : leur nom de fichier en tient lieu."),
        "tables": ("Un tableau n'a pas de ligne d'en-tête.", "{n} tableaux n'ont pas de ligne d'en-tête."),
        "claim": "Le livre satisfait EPUB Accessibility 1.1 et WCAG 2.2 niveau AA selon les vérifications "
                 "automatiques de xtdpublish.",
        "no_claim": "Pour cette raison, le livre ne revendique pas la conformité à EPUB Accessibility 1.1 "
                    "(WCAG 2.2 niveau AA).",
    },
    "de": {
        "reading": "Das Buch folgt der Lesereihenfolge des Leitfadens; ein Inhaltsverzeichnis und gegliederte "
                   "Überschriften erleichtern die Navigation. Videos sind durch einen Link ersetzt.",
        "images": "Jedes Bild hat den Alternativtext, den seine Notiz angibt.",
        "guessed": ("Ein Bild hat in seiner Notiz keinen Alternativtext: sein Dateiname steht an dessen Stelle.",
                    "{n} Bilder haben in ihrer Notiz keinen Alternativtext: ihr Dateiname steht an dessen Stelle."),
        "tables": ("Eine Tabelle hat keine Kopfzeile.", "{n} Tabellen haben keine Kopfzeile."),
        "claim": "Das Buch erfüllt EPUB Accessibility 1.1 und WCAG 2.2 Stufe AA nach den automatischen "
                 "Prüfungen von xtdpublish.",
        "no_claim": "Deshalb beansprucht das Buch keine Konformität mit EPUB Accessibility 1.1 "
                    "(WCAG 2.2 Stufe AA).",
    },
    "it": {
        "reading": "Il libro segue l'ordine di lettura della guida; un indice e titoli strutturati permettono "
                   "di navigarlo. I video sono sostituiti da un link.",
        "images": "Ogni immagine ha il testo alternativo che la sua nota le dà.",
        "guessed": ("Un'immagine non ha testo alternativo nella sua nota: lo sostituisce il nome del file.",
                    "{n} immagini non hanno testo alternativo nella loro nota: lo sostituisce il nome del file."),
        "tables": ("Una tabella non ha riga di intestazione.", "{n} tabelle non hanno riga di intestazione."),
        "claim": "Il libro soddisfa EPUB Accessibility 1.1 e WCAG 2.2 livello AA secondo i controlli "
                 "automatici di xtdpublish.",
        "no_claim": "Per questo motivo il libro non dichiara la conformità a EPUB Accessibility 1.1 "
                    "(WCAG 2.2 livello AA).",
    },
    "en": {
        "reading": "The book follows the guide's reading order; a table of contents and structured "
                   "headings make it navigable. Videos are replaced by a link.",
        "images": "Every image has the alternative text its note gives it.",
        "guessed": ("One image has no alternative text in its note: its file name stands in for it.",
                    "{n} images have no alternative text in their note: their file name stands in for it."),
        "tables": ("One table has no header row.", "{n} tables have no header row."),
        "claim": "The book meets EPUB Accessibility 1.1 and WCAG 2.2 Level AA by xtdpublish's "
                 "automated checks.",
        "no_claim": "For this reason the book does not claim conformance to EPUB Accessibility 1.1 "
                    "(WCAG 2.2 Level AA).",
    },
}


def book_accessibility(chapters: Chapters, has_images: bool, language: str,
                       report: Report) -> tuple[tuple[str, str], ...]:
    """The package's accessibility metadata, in order: (property, value)."""
    words = WORDS.get(language.split("-")[0].lower(), WORDS["en"])
    shortfalls = [_count(words[key], n) for key, n in (("guessed", chapters.guessed_alts),
                                                        ("tables", chapters.headerless_tables)) if n]
    modes = [("schema:accessMode", "textual")]
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if has_images:
        modes.append(("schema:accessMode", "visual"))
        if not chapters.guessed_alts:
            features.insert(0, "alternativeText")
    summary = [words["reading"]]
    if has_images and not chapters.guessed_alts:
        summary.append(words["images"])
    summary += shortfalls
    summary.append(words["no_claim"] if shortfalls else words["claim"])
    claim = () if shortfalls else (("dcterms:conformsTo", CONFORMS_TO), ("a11y:certifiedBy", CERTIFIED_BY))
    if shortfalls:
        codes = [code for code, n in (("a11y.image-alt", chapters.guessed_alts),
                                      ("a11y.table-header", chapters.headerless_tables)) if n]
        report.warning(PLACE, None, "epub.conformance",
                       f"the EPUB does not claim {CONFORMS_TO}: " + "; ".join(_reasons(chapters))
                       + f" (each place is listed as {', '.join(codes)})")
    return (
        *modes,
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", feature) for feature in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", " ".join(summary)),
        *claim,
    )


def _count(forms: tuple[str, str], n: int) -> str:
    return forms[0] if n == 1 else forms[1].format(n=n)


def _reasons(chapters: Chapters) -> list[str]:
    """What the book falls short of, in the build's words (English, like every diagnostic)."""
    reasons = []
    if chapters.guessed_alts:
        reasons.append(_count(("one image has no alternative text in its note",
                               "{n} images have no alternative text in their note"), chapters.guessed_alts))
    if chapters.headerless_tables:
        reasons.append(_count(("one table has no header row", "{n} tables have no header row"),
                              chapters.headerless_tables))
    return reasons
