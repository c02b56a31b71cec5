"""The numbered outline of a document body as a tree.

Plans number their parts in every style (I., A., 1., 1.1., a), -, +, *) and
mix them freely; markdown heading levels are unreliable. The tree follows the
numbering: a marker style already open on the path becomes a sibling, a new
style becomes a child, and unnumbered paragraphs belong to the nearest
numbered heading above them. Closing paragraphs ("Trên đây là ...") return to
the top so that they never become a unit's duty.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import datafiles
from .layout import Para
from .normalize import fold

# Lower rank = more major. Used when a style appears that is not on the open path.
RANK = {"part": 0, "upper": 1, "roman": 2, "article": 2, "num": 3, "nested2": 4, "nested3": 5, "nested4": 6, "nested5": 7,
        "letter": 8, "dash": 9, "bullet": 9.5, "plus": 10}
LIST_STYLES = {"dash", "plus", "bullet"}


@dataclass
class Node:
    para: Para | None
    style: str | None
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    closing: bool = False
    tcth: bool | None = None  # is it a "Tổ chức thực hiện" heading (worked out once, by the extractors)

    @property
    def rank(self) -> float:
        return RANK.get(self.style or "", 99) if self.para is not None else -1

    def walk(self):
        for c in self.children:
            yield c
            yield from c.walk()


@functools.cache
def _closing_re() -> re.Pattern[str]:
    return re.compile(r"^(?:" + datafiles.alternation(datafiles.layout().closing_cues, fold) + r")")


def is_closing_para(p: Para) -> bool:
    t = p.text.strip()
    if p.marker:
        return False
    return bool(_closing_re().match(fold(t))) or t.endswith("./.") or t.endswith("/.")


def build_tree(paras: list[Para]) -> Node:
    root = Node(None, None)
    stack: list[Node] = [root]
    for p in paras:
        style = p.marker
        if style is None:
            if is_closing_para(p):
                node = Node(p, None, parent=root, closing=True)
                root.children.append(node)
                del stack[1:]
                continue
            # Attach to the nearest numbered heading on the open path (not to a list item).
            k = len(stack) - 1
            while k > 0 and stack[k].style in LIST_STYLES:
                k -= 1
            parent = stack[k]
            node = Node(p, None, parent=parent)
            parent.children.append(node)
            del stack[k + 1:]
            continue
        open_styles = [n.style for n in stack]
        if style in open_styles:
            k = len(open_styles) - 1 - open_styles[::-1].index(style)
            del stack[k:]
        else:
            rank = RANK.get(style, 50)
            while len(stack) > 1 and stack[-1].rank >= rank and style not in LIST_STYLES | {"letter"}:
                stack.pop()
            if style not in LIST_STYLES:
                # A heading never hangs under a bullet.
                while len(stack) > 1 and stack[-1].style in LIST_STYLES:
                    stack.pop()
        parent = stack[-1]
        node = Node(p, style, parent=parent)
        parent.children.append(node)
        stack.append(node)
    return root
