"""Workshop pages, rendered from the repository when the book is built.

* ``{scenario-table}``: the key glued figures of every ``scenarios/*.yaml`` side by side, one table per chapter
  (``helpers.scenarios.comparison``: runs are cached in ``_build/scenarios/`` by their inputs, so only a changed
  scenario, notebook or input reruns).
* ``{exercise-table}``: ``data/exercises.csv`` for the facilitator guide: id, chapter, kind, question, minutes and
  the agendas it fits (``:agenda: 90min`` keeps one agenda's rows).
"""
from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _cell(value: object) -> str:
    """A figure as the table shows it (``helpers.tables`` formats): very large or small numbers as powers of ten,
    others to 4 significant digits or whole with thousands separators; text escaped."""
    from helpers import tables

    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float)):
        if value != 0 and (abs(value) >= 1e9 or abs(value) < 1e-3):
            return tables.sci(value)
        return tables.sig(value, 4) if abs(value) < 1e4 else tables.num(value)
    return html.escape(str(value))


class ScenarioTable(SphinxDirective):
    """``{scenario-table}``: one table per chapter, figures by scenario."""

    def run(self):
        from helpers.tables import html_table
        from machinery import build, scenarios

        root = build.ROOT
        zh = self.env.app.config["book_edition"] == "zh"
        # this build's records; the Chinese edition's pages follow the English build's, whose executions they show
        dirs = build.BuildDirs.of(root / "_build" if zh else Path(self.env.app.doctreedir).parent)
        for s in scenarios.scenarios(root):
            self.env.note_dependency(str(root / scenarios.SCENARIO_DIR / f"{s['name']}.yaml"))
            self.env.note_dependency(str(root / s["notebook"]))
            # a run's figures change with what its notebook reads: the page is re-read (and the stale scenarios
            # rerun) when any of those files, or the notebook's build record, changes
            chapter = root / s["notebook"]
            for rel in build.inputs_of(chapter, root, dirs):
                self.env.note_dependency(str(root / rel))
            self.env.note_dependency(str(build.record_path(chapter, root, dirs)))
        tables = scenarios.comparison(root)
        titles = {s["name"]: s["title"] for s in scenarios.scenarios(root)}
        out: list[nodes.Node] = []
        for notebook, table in tables.items():
            header = ["数字" if zh else "Figure"] + [f"{html.escape(titles[n])}<br><code>{html.escape(n)}</code>"
                                                     for n in table.columns]
            rows = [[f"<code>{html.escape(name)}</code>"] + [_cell(v) for v in values]
                    for name, values in zip(table.index, table.itertuples(index=False))]
            caption = f"{Path(notebook).stem}：各情景的关键数字" if zh else f"{Path(notebook).stem}: key figures by scenario"
            out.append(nodes.raw("", html_table(header, rows, caption=caption,
                                                numeric=range(1, len(table.columns) + 1)), format="html"))
        return out


class ExerciseTable(SphinxDirective):
    """``{exercise-table}``: the exercises of data/exercises.csv (optionally of one agenda)."""

    option_spec = {"agenda": directives.unchanged}

    def run(self):
        from helpers.data import DATA_DIR
        from helpers.tables import html_table
        from helpers.workshop import exercises

        for name in ("exercises.csv", "datapackage.json"):
            self.env.note_dependency(str(Path(DATA_DIR) / name))
        table = exercises()
        agenda = self.options.get("agenda")
        if agenda:
            table = table[table["agenda"].str.split().apply(lambda a: agenda in a)]
        zh = self.env.app.config["book_edition"] == "zh"     # the Chinese edition: the questions' Chinese
        header = ["编号", "章节", "类型", "题目", "分钟", "议程"] if zh else ["Id", "Chapter", "Kind", "Question", "Minutes", "Agendas"]
        rows = [[f"<code>{html.escape(i)}</code>", html.escape(r["chapter"]), html.escape(r["kind"]),
                 html.escape(r.get("question_zh") or r["question"] if zh else r["question"]), str(r["minutes"]),
                 html.escape(r["agenda"])] for i, r in table.iterrows()]
        if zh:
            caption = f"{agenda} 议程的练习" if agenda else "全部练习"
        else:
            caption = f"Exercises for the {agenda} agenda" if agenda else "Every exercise"
        return [nodes.raw("", html_table(header, rows, caption=caption, numeric=[4]), format="html")]


def setup(app: Sphinx) -> dict:
    app.add_directive("scenario-table", ScenarioTable)
    app.add_directive("exercise-table", ExerciseTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
