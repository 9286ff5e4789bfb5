"""A rerun as one standalone web page: its prose, tables and charts without code, readable and shareable offline
(``python -m helpers.rerun … --html``, ``helpers.workshop.rerun(…, html=True)``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"

def _parameters_note(nb: Any) -> str:
    """A Markdown line naming the parameters papermill injected (or saying there were none)."""
    injected = nb.metadata.get("papermill", {}).get("parameters") or {}
    zh = nb.metadata.get("book_lang") == "zh"
    if not injected:
        return "*按本章默认参数运行。*" if zh else "*Run with the chapter's default parameters.*"
    return ("*重新运行的参数：*" if zh else "*Rerun with:* ") + ", ".join(f"`{k} = {v!r}`" for k, v in injected.items())


def write_html(notebook: str | Path, html_path: str | Path) -> Path:
    """Write an executed notebook as a standalone HTML page: outputs only, nothing loaded from the network."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(notebook), as_version=4)
    first_heading = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), 0)
    nb.cells.insert(first_heading + 1, nbformat.v4.new_markdown_cell(_parameters_note(nb)))
    exporter = HTMLExporter(template_name="book_offline", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove-cell"}), enabled=True)
    # the page's language (<html lang>), for screen readers and the browser's choice of fonts
    exporter.language_code = "zh-Hans" if nb.metadata.get("book_lang") == "zh" else "en"
    body, _ = exporter.from_notebook_node(nb)
    out = Path(html_path)
    out.write_text(body, encoding="utf-8")
    return out
