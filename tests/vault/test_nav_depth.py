"""Navigation as deep as a vault likes (issue 15): a chain of 3,000 eleventyNavigation parents
or folders a hundred deep is built without recursion, and below MAX_DEPTH its notes hang at
that level, every one of them, with one warning."""

from __future__ import annotations

import time

from xtdpublish.report import Report
from xtdpublish.vault.nav import MAX_DEPTH, NavItem, build_nav


def chain(length: int) -> list[NavItem]:
    """index ← n1 ← n2 ← … ← n{length}: each note the parent of the next."""
    items = [NavItem(id="index", path="index.md", title="Index", key="index", line=2)]
    for n in range(1, length + 1):
        items.append(NavItem(id=f"n{n}", path=f"n{n:05d}.md", title=f"Note {n}", key=f"k{n}",
                             parent="index" if n == 1 else f"k{n - 1}", line=2))
    return items


def depth_and_notes(node, depth=0):
    """(the tree's depth, every note id in it), walked with a stack."""
    deepest, notes, stack = 0, [], [(node, 0)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if current.note:
            notes.append(current.note)
        stack.extend((child, level + 1) for child in current.children)
    return deepest, notes


def test_a_3000_deep_chain_of_parents_is_built_and_bounded():
    report = Report()
    navigation = build_nav(chain(3000), "index.md", "Site", "fr", report)
    deepest, notes = depth_and_notes(navigation.tree)
    assert deepest == MAX_DEPTH + 1  # the notes deeper hang under the note at MAX_DEPTH
    assert sorted(notes) == sorted(["index"] + [f"n{n}" for n in range(1, 3001)])
    assert navigation.parents["n2"] == "n1" and navigation.parents["n3000"] == "n2999"
    warnings = [d for d in report.diagnostics if d.code == "nav.too-deep"]
    assert len(warnings) == 1 and warnings[0].path == f"n{MAX_DEPTH + 1:05d}.md"
    assert f"{3000 - MAX_DEPTH} notes" in warnings[0].message
    # below the bound, in the chain's order, at the deepest level
    anchor = navigation.tree
    for _ in range(MAX_DEPTH):
        anchor = anchor.children[0]
    assert anchor.note == f"n{MAX_DEPTH}"
    assert [child.note for child in anchor.children] == [f"n{n}" for n in range(MAX_DEPTH + 1, 3001)]


def test_a_shallow_navigation_is_not_touched():
    report = Report()
    navigation = build_nav(chain(MAX_DEPTH), "index.md", "Site", "fr", report)
    assert depth_and_notes(navigation.tree)[0] == MAX_DEPTH
    assert report.diagnostics == []


def test_the_chain_costs_time_in_proportion_to_its_length():
    def cost(length):
        items = chain(length)
        runs = []
        for _ in range(3):
            started = time.process_time()
            build_nav(items, "index.md", "Site", "fr", Report())
            runs.append(time.process_time() - started)
        return sorted(runs)[1]

    small, large = cost(2000), cost(4000)
    assert large < 3 * small + 0.05, (small, large)  # was quadratic (descendants, parent lookups)


def test_folders_deeper_than_the_bound_list_their_notes_at_the_deepest_level():
    path = "/".join(f"d{n}" for n in range(100))
    items = [NavItem(id="index", path="index.md", title="Index"),
             NavItem(id="deep", path=f"{path}/deep.md", title="Deep"),
             NavItem(id="shallow", path="d0/shallow.md", title="Shallow")]
    report = Report()
    navigation = build_nav(items, None, "Site", "fr", report)
    deepest, notes = depth_and_notes(navigation.tree)
    assert sorted(notes) == ["deep", "index", "shallow"] and deepest == MAX_DEPTH + 1
    assert [d.code for d in report.diagnostics] == ["nav.too-deep"]
