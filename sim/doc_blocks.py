"""A handout as a few kinds of blocks, written as Markdown or as a Word document.

The planning documents (Situation Manual, Exercise Evaluation Guides) are built once as a
`Handout` — headings, paragraphs, bullet lists, tables, pictures, tick-box choices and
blank lines to write on — and rendered twice: Markdown for the repository and the web, .docx through
python-docx for the people who will print and mark them up. One content, two renderers,
so the two files never disagree.
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Inches, Length, Pt

from sim.outputs import writing


@dataclass(frozen=True)
class Picture:
    """A PNG image, with its size in inches and a caption said in words."""

    png: bytes
    size: tuple[float, float]
    caption: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    label: str = ""  # shown in bold before the text


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]  # all empty: a table of facts, label and value
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Choices:
    """Tick boxes, left blank for a person to mark."""

    options: tuple[str, ...]


@dataclass(frozen=True)
class WritingLines:
    """Blank lines to write on."""

    count: int = 4


Block = Heading | Paragraph | Bullets | Table | Picture | Choices | WritingLines


@dataclass
class Handout:
    title: str
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False  # for wide tables, in the Word file

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


BOX = "☐"
RULE = "_" * 60


def write_handout(handout: Handout, folder: str, stem: str) -> list[str]:
    """Write `stem.md` and `stem.docx` into the folder (created if needed); their paths."""
    markdown, word = os.path.join(folder, stem + ".md"), os.path.join(folder, stem + ".docx")
    with writing(folder, "choose another folder with -o"):
        os.makedirs(folder, exist_ok=True)
        with open(markdown, "w", encoding="utf-8") as out:
            out.write(as_markdown(handout))
        as_docx(handout).save(word)
    return [markdown, word]


def as_markdown(handout: Handout) -> str:
    """The handout as Markdown text."""
    out = [f"# {handout.title}", ""]
    for block in handout.blocks:
        if isinstance(block, Heading):
            out += ["#" * (block.level + 1) + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            out += [(f"**{block.label}:** " if block.label else "") + block.text, ""]
        elif isinstance(block, Bullets):
            out += [f"- {_md_cell(item, inline=False)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(map(_md_cell, block.headers)) + " |")
            out.append("|" + "---|" * len(block.headers))
            out += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows]
            out.append("")
        elif isinstance(block, Picture):
            data = base64.b64encode(block.png).decode()
            out += [f"![{block.caption}](data:image/png;base64,{data})", ""]
        elif isinstance(block, Choices):
            out += [f"- {BOX} {option}" for option in block.options] + [""]
        else:
            out += [RULE + "  "] * block.count + [""]
    return "\n".join(out).rstrip() + "\n"


def _md_cell(text: str, inline: bool = True) -> str:
    text = text.replace("|", "\\|") if inline else text
    return text.replace("\n", "<br>" if inline else " ")


def as_docx(handout: Handout):
    """The handout as a python-docx Document (headings use Word's Heading styles)."""
    doc = Document()
    doc.core_properties.title = handout.title
    if handout.landscape:
        page = doc.sections[0]
        page.orientation = WD_ORIENT.LANDSCAPE
        page.page_width, page.page_height = page.page_height, page.page_width
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(handout.title, level=0)
    for block in handout.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            paragraph = doc.add_paragraph()
            if block.label:
                paragraph.add_run(block.label + ": ").bold = True
            paragraph.add_run(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            # every row made at once: python-docx's add_row looks the table's grid up among
            # all its rows, so adding rows one by one took minutes for a year's AAR/IP
            headed = any(block.headers)  # a table of facts has no header row
            table = doc.add_table(rows=headed + len(block.rows), cols=len(block.headers))
            table.style = "Table Grid"
            rows = iter(table.rows)
            if headed:
                for cell, header in zip(next(rows).cells, block.headers, strict=True):
                    cell.paragraphs[0].add_run(header).bold = True
            for row, texts in zip(rows, block.rows, strict=True):
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.text = text
            doc.add_paragraph()
        elif isinstance(block, Picture):
            doc.add_picture(io.BytesIO(block.png), *_fitted(block.size, doc.sections[-1]))
            doc.add_paragraph(block.caption, style="Caption")
        elif isinstance(block, Choices):
            for option in block.options:
                doc.add_paragraph(f"{BOX}  {option}")
        else:
            for _ in range(block.count):
                doc.add_paragraph(RULE)
    return doc


def _fitted(size: tuple[float, float], page) -> tuple[Length, Length]:
    """A picture's width and height, shrunk (never grown) to fit the page's text area."""
    room = (page.page_width - page.left_margin - page.right_margin,
            page.page_height - page.top_margin - page.bottom_margin)
    width, height = Inches(size[0]), Inches(size[1])
    scale = min(1.0, room[0] / width, room[1] / height)
    return Length(int(width * scale)), Length(int(height * scale))
