import datetime as dt
import json
from pathlib import Path

import pytest

from index.load import LoadError, discover, load_file, read_bytes


def _load(path: Path):
    return load_file(path, read_bytes(path, 1_000_000))


def test_txt_is_loaded_as_is(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("Headline here today\n\nBody sentence one.", "utf-8")
    (doc,) = _load(path).docs
    assert doc.text.startswith("Headline here today") and doc.source == str(path)


def test_markdown_loses_its_markup(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("# Big news today\n\nThe **council** voted [to ban](http://x.y) cars. ![img](p.png)\n")
    (doc,) = _load(path).docs
    assert "Big news today" in doc.text
    assert "The council voted to ban cars." in doc.text
    assert "**" not in doc.text and "http" not in doc.text and "#" not in doc.text


def test_html_is_extracted_with_metadata(tmp_path: Path):
    path = tmp_path / "a.html"
    body = " ".join(f"The harbour council met on Tuesday to discuss item {i} of the budget." for i in range(8))
    path.write_text(
        "<html><head><title>Harbour council votes | Daily</title>"
        '<meta property="article:published_time" content="2021-03-04"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Harbour council votes</h1><p>{body}</p></article>"
        "<footer>Copyright Daily 2021. All rights reserved.</footer><script>var x = 1;</script></body></html>"
    )
    (doc,) = _load(path).docs
    assert "item 7 of the budget" in doc.text
    assert "var x" not in doc.text and "All rights reserved" not in doc.text
    assert doc.title and "Harbour council votes" in doc.title
    assert doc.published == dt.date(2021, 3, 4)


def test_json_list_and_field_aliases(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([
        {"headline": "One", "content": "Alpha body.", "published_at": "2023-10-05T12:00:00+00:00",
         "url": "http://e.x/1"},
        {"title": "Two", "body": "Beta body.", "date": "March 3, 2022", "publisher": "The Verge"},
    ]))
    docs = _load(path).docs
    assert [(d.title, d.text, d.published) for d in docs] == [
        ("One", "Alpha body.", dt.date(2023, 10, 5)),
        ("Two — The Verge", "Beta body.", dt.date(2022, 3, 3)),
    ]
    assert docs[0].url == "http://e.x/1"


def test_jsonl_bad_line_is_reported_and_the_rest_kept(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"title": "A", "body": "Good."}\n{not json\n{"title": "B"}\n{"title": "C", "text": "Fine."}\n')
    loaded = _load(path)
    assert [d.title for d in loaded.docs] == ["A", "C"]
    assert [e.path for e in loaded.errors] == [f"{path}:2", f"{path}:3"]
    assert "malformed JSON" in loaded.errors[0].error
    assert "no article text" in loaded.errors[1].error


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("latin1.txt", "Café société à Paris, déjà.".encode("latin-1"), "UTF-8"),
        ("big.txt", b"x" * 2000, "limit"),
    ],
)
def test_bad_files_raise_a_one_line_reason(tmp_path: Path, name: str, content: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason) as info:
        load_file(path, read_bytes(path, 1000))
    assert "\n" not in str(info.value)


def test_malformed_json_file(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_text('{"title": "x", "body": ')
    with pytest.raises(LoadError, match="malformed JSON at line 1"):
        _load(path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "locked.txt"
    path.write_text("text")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(LoadError, match="permission denied"):
        read_bytes(path, 1000)


def test_discover_recurses_skips_hidden_and_reports_missing(tmp_path: Path):
    (tmp_path / "sub" / ".git").mkdir(parents=True)
    for name in ("a.txt", "sub/b.md", "sub/c.jsonl", "sub/.git/d.txt", "sub/e.pdf"):
        (tmp_path / name).write_text("x")
    files, errors = discover([tmp_path, tmp_path / "missing.txt"])
    assert [f.name for f in files] == ["a.txt", "b.md", "c.jsonl"]
    assert errors[0].path.endswith("missing.txt") and "no such" in errors[0].error
