"""The README describes what a person with the repository has."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_points_to_documents_inside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "shared/" not in readme
    assert "docs/domain.md" in readme and (ROOT / "docs" / "domain.md").exists()


def test_the_domain_notes_name_their_sources():
    notes = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    for source in ("GB/T 34014-2017", "GB 32100-2015", "GB 16735", "GB/T 2260", "43号", "第35号"):
        assert source in notes, source
