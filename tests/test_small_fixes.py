"""The small things users hit (issue 17): BOM-free stdout, unwritable extensions, unknown categories,
--lang after the command, notes that keep every character, categories in Chinese."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from conftest import BUNDLED, run

AS_OF = "2026-06-30"


def test_export_to_stdout_has_no_byte_order_mark_but_a_file_has(world: Path) -> None:
    piped = run("export", "-f", str(BUNDLED))
    assert piped.exit_code == 0
    assert piped.stdout.startswith("goal,name,unit,")
    assert run("export", "-f", str(BUNDLED), "--output", "figures.csv").exit_code == 0
    assert (world / "figures.csv").read_bytes().startswith(b"\xef\xbb\xbfgoal,")


def test_an_output_extension_zibo_cannot_write_is_refused_and_nothing_written(world: Path) -> None:
    for args in (("report",), ("report", "--format", "html"), ("export",)):
        result = (
            run(*args, "-f", str(BUNDLED), "--as-of", AS_OF, "--output", "x.pdf")
            if args[0] == "report"
            else (run(*args, "-f", str(BUNDLED), "--output", "x.pdf"))
        )
        assert result.exit_code == 2, args
        assert "cannot write .pdf files" in result.stderr
        assert result.stdout == ""
        assert not (world / "x.pdf").exists()
    assert run("report", "-f", str(BUNDLED), "--as-of", AS_OF, "--output", "week").exit_code == 0  # no extension


def test_unknown_category_lists_the_known_ones_with_a_suggestion(world: Path) -> None:
    for command in ("status", "goals"):
        result = run(command, "-f", str(BUNDLED), "--category", "econmy")
        assert result.exit_code == 2
        assert "'econmy' is not a category" in result.stderr
        assert "Did you mean economy?" in result.stderr
        assert "digital, economy, environment, industry" in result.stderr
    chinese = run("--lang", "zh", "goals", "-f", str(BUNDLED), "--category", "经济")  # as it is shown
    assert chinese.exit_code == 0
    assert "gdp " in chinese.stdout
    listed = run("--lang", "zh", "goals", "-f", str(BUNDLED), "--category", "xyz").stderr
    assert "economy（经济）" in listed


def test_lang_after_the_command_name_as_file_is(world: Path) -> None:
    before = run("--lang", "zh", "status", "-f", str(BUNDLED), "--as-of", AS_OF)
    after = run("status", "-f", str(BUNDLED), "--as-of", AS_OF, "--lang", "zh")
    assert after.exit_code == 0
    assert after.stdout == before.stdout
    assert "偏离轨道" in after.stdout
    assert run("goals", "--lang", "fr", "-f", str(BUNDLED)).exit_code == 2


def test_show_keeps_every_character_of_a_wrapped_note_and_indents_continuations(world: Path) -> None:
    for language in ("en", "zh"):
        out = run("--lang", language, "show", "parks", "-f", str(BUNDLED), "--as-of", AS_OF).stdout
        assert "1000余" in out
        assert "1000 …" not in out
        assert "…" not in out
        lines = out.splitlines()
        assert all(cell_len(line) <= 80 for line in lines)
        sources = lines[lines.index("Sources" if language == "en" else "来源") + 1 :]
        assert sources[0].startswith("  ifeng-2024: ")
        assert sources[1].startswith("      ")  # the citation's second line hangs under it


def test_categories_are_translated_in_chinese_output(world: Path) -> None:
    goals = run("--lang", "zh", "goals", "-f", str(BUNDLED), env={"COLUMNS": "120"}).stdout
    assert "经济" in goals.split()
    assert "economy" not in goals.split()
    show = run("--lang", "zh", "show", "gdp", "-f", str(BUNDLED), "--as-of", AS_OF).stdout
    assert "类别      经济" in show
    wide = run("--lang", "zh", "status", "--wide", "-f", str(BUNDLED), "--as-of", AS_OF).stdout
    words = set(wide.split())
    assert "产业" in words
    assert "industry" not in words
