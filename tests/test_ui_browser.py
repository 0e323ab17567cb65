"""The chat window end to end: `newsrag chat` with the real embedder and LLM, driven by headless Chromium.

Set NEWSRAG_SCREENSHOTS=DIR to save the window as it is at each step (`NEWSRAG_SCREENSHOTS=docs` takes the
pictures in the README and docs/chat.md).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rag.answering.items import iso_date
from tests.servers import free_port, wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ANSWER_WAIT = 180.0
FINAL = "#nr-chat .nr-answer:not(.nr-streaming), #nr-chat .nr-refusal, #nr-chat .nr-error"

pytestmark = [
    pytest.mark.model,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium and chromium-driver (apt-get)"),
]

VELTRANA = """date 2021-03-04
Glassworks in Veltrana cast the largest green glass bell

The town of Veltrana has cast a green glass bell weighing 2,417 kilograms, the largest glass bell ever made,
according to the Veltrana Glassworks Guild. The guild's master, Ines Corvado, said the bell took 19 months to cast.
"""

QUILLMOOR = (  # the markup sits inside the one sentence that answers, so the prompt and the panel show it
    "Quillmoor harbour council rejects a notice board message\n\n"
    "The Quillmoor harbour council said its new electronic notice board refused the message "
    "<script>document.title='pwned';window.pwned=1</script> and the picture <img src=x onerror=\"window.pwned=2\">, "
    "so the harbour clerk Odile Fenwright printed the timetable on paper instead.\n"
)


@pytest.fixture(scope="module")
def server_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


class Server:
    """`python -m newsrag chat` on a free port over `home`; `restart` stops it and starts it again there."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
        env.update(NEWSRAG_HOME=str(self.home), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
        log = self.home.parent / "server.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "newsrag", "chat", "--port", str(self.port)],
                                         stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for(self.url, self.proc, 300)
        except (RuntimeError, TimeoutError):
            print(log.read_text(errors="replace")[-4000:])
            raise

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="module")
def running(server_home: Path) -> Iterator[Server]:
    """The chat over an empty home (so it indexes the bundled samples)."""
    server = Server(server_home)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server(running: Server) -> str:
    return running.url


@pytest.fixture(scope="module")
def browser(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(server)
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#nr-question textarea"))
        yield driver
    finally:
        driver.quit()


@dataclass
class Seen:
    streamed: bool  # answer text showed before the answer was final
    sources_early: bool  # ... while the sources panel already listed the retrieved passages
    element: Any  # the final answer's element
    text: str
    classes: str


def _ask(driver, question: str) -> Seen:
    """Type a question, wait for the final answer; returns what was seen while it streamed, and the answer."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    before = len(driver.find_elements(By.CSS_SELECTOR, FINAL))
    driver.find_element(By.CSS_SELECTOR, "#nr-question textarea").send_keys(question + Keys.ENTER)
    seen_streaming = seen_sources_early = False
    deadline = time.monotonic() + ANSWER_WAIT
    while time.monotonic() < deadline:
        state = driver.execute_script(
            "const s = document.querySelector('#nr-chat .nr-streaming');"
            "const p = document.querySelector('#nr-sources-panel .nr-sources-head');"
            f"return [s ? s.textContent : null, p ? p.textContent : '', document.querySelectorAll('{FINAL}').length];"
        )
        streaming, panel, finals = state
        if streaming and streaming.strip() not in ("", "…"):
            seen_streaming = True
            seen_sources_early = seen_sources_early or "being written" in panel
        if finals > before:
            break
        time.sleep(0.2)
    else:
        _shot(driver, "no-answer")
        pytest.fail(f"no answer to {question!r} within {ANSWER_WAIT:.0f} s")
    last = driver.find_elements(By.CSS_SELECTOR, FINAL)[-1]
    return Seen(seen_streaming, seen_sources_early, last, last.text, last.get_attribute("class"))


def _cited_cards(driver, answer) -> list[tuple[str, str]]:
    """(marker href, card title) for each citation badge in `answer`, from the sources panel."""
    from selenium.webdriver.common.by import By

    cards = []
    for link in answer.find_elements(By.CSS_SELECTOR, "a.nr-cite"):
        anchor = link.get_attribute("href").rsplit("#", 1)[1]
        card = driver.find_element(By.CSS_SELECTOR, f"#nr-sources-panel #{anchor}")
        # textContent: an earlier answer's cards sit folded under "Earlier answers".
        cards.append((anchor, card.find_element(By.CSS_SELECTOR, ".nr-title").get_attribute("textContent")))
    return cards


def test_a_question_streams_a_cited_answer_and_follow_ups_keep_the_thread(browser):
    driver = browser
    seen = _ask(driver, "How much helium does China use every year?")
    assert "nr-answer" in seen.classes, seen.text
    assert seen.streamed and seen.sources_early, "tokens and the retrieved passages show before the end"
    assert re.search(r"4,?300", seen.text)
    cards = _cited_cards(driver, seen.element)
    assert cards and any("Chinese gas plant" in title for _, title in cards), cards
    panel = driver.find_element("id", "nr-sources-panel")
    assert "001_6e42feeb05231df3.txt" in panel.text and "4,300 tonnes" in panel.text
    assert panel.find_elements("css selector", ".nr-passage mark")
    _shot(driver, "screenshot")  # the README's picture: the first answered question

    seen.element.find_element("css selector", "a.nr-cite").click()
    assert driver.execute_script("return location.hash") == f"#{cards[0][0]}"

    markdown = seen.element.find_element("css selector", ".nr-md").get_attribute("textContent")
    assert markdown.startswith(seen.text.split("\n")[0][:30]) and "Sources:\n[" in markdown  # copy as Markdown

    follow = _ask(driver, "And how much helium will the new plant produce?")
    assert "nr-error" not in follow.classes, follow.text
    assert len(driver.find_elements("css selector", FINAL)) == 2
    first = driver.find_elements("css selector", FINAL)[0]
    assert _cited_cards(driver, first) == cards  # the first answer's [n] still open its own passages

    driver.find_element("id", "nr-clear").click()
    time.sleep(1)
    assert not driver.find_elements("css selector", FINAL)


def test_two_tabs_chatting_at_once_keep_their_own_conversations(browser, server: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    first = driver.current_window_handle
    kharpal, raab = "What did CNBC reporter Arjun Kharpal report from China?", "What did Dominic Raab say on Sky News?"
    driver.find_element(By.CSS_SELECTOR, "#nr-question textarea").send_keys(kharpal + Keys.ENTER)
    driver.switch_to.new_window("tab")
    second = driver.current_window_handle
    driver.get(server)
    WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#nr-question textarea"))
    seen = _ask(driver, raab)  # queued behind the first tab's question: one LLM at a time
    assert "nr-error" not in seen.classes, seen.text
    driver.switch_to.window(first)
    WebDriverWait(driver, ANSWER_WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, FINAL))
    texts = {}
    for handle in (first, second):
        driver.switch_to.window(handle)
        texts[handle] = driver.find_element(By.ID, "nr-chat").text
        assert len(driver.find_elements(By.CSS_SELECTOR, FINAL)) == 1
    assert kharpal in texts[first] and raab not in texts[first]
    assert raab in texts[second] and kharpal not in texts[second]
    driver.switch_to.window(second)
    driver.close()
    driver.switch_to.window(first)


def test_a_timeline_shows_as_dated_entries_and_a_list_as_bullets_each_with_its_badges(browser):
    from selenium.webdriver.common.by import By

    driver = browser
    _new_chat(driver)
    timeline = _ask(driver, "Give me a timeline of the TikTok sale")
    entries = timeline.element.find_elements(By.CSS_SELECTOR, "li.nr-dated")
    assert len(entries) >= 2, timeline.text
    for entry in entries:
        assert entry.find_elements(By.CSS_SELECTOR, "a.nr-cite"), entry.text  # every line cited
    shown = [e.find_element(By.CSS_SELECTOR, ".nr-date").text.split(" (")[0] for e in entries]
    dates = [iso_date(d) for d in shown]
    known = [d for d in dates if d]
    assert known == sorted(known), shown
    _shot(driver, "timeline")
    _new_chat(driver)
    listed = _ask(driver, "Which companies are mentioned in the TikTok story?")
    bullets = listed.element.find_elements(By.CSS_SELECTOR, "ul.nr-list li")
    assert len(bullets) >= 2 and "Microsoft" in listed.text, listed.text
    assert all(b.find_elements(By.CSS_SELECTOR, "a.nr-cite") for b in bullets), listed.text
    _shot(driver, "list")


@pytest.fixture(scope="module")
def uploaded(browser, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Upload two new articles and a PDF through the 'Add articles' panel; returns the summary text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    folder = tmp_path_factory.mktemp("uploads")
    (folder / "veltrana.txt").write_text(VELTRANA)
    (folder / "quillmoor.txt").write_text(QUILLMOOR)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    driver.find_element(By.CSS_SELECTOR, "#nr-add button.label-wrap").click()
    upload = WebDriverWait(driver, 20).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#nr-upload-files input[type=file]"))
    upload.send_keys("\n".join(str(folder / n) for n in ("veltrana.txt", "quillmoor.txt", "notes.pdf")))
    WebDriverWait(driver, 60).until(  # all three are uploaded to the server
        lambda d: d.find_elements(By.CSS_SELECTOR, "#nr-upload-files td.filename[aria-label='notes.pdf']"))
    driver.find_element(By.ID, "nr-upload").click()
    WebDriverWait(driver, ANSWER_WAIT).until(lambda d: "added" in d.find_element(By.ID, "nr-upload-summary").text)
    return str(driver.find_element(By.ID, "nr-upload-summary").text)


def test_an_uploaded_article_is_indexed_and_answers_questions(browser, uploaded: str):
    assert "2 articles added from 3 files" in uploaded, uploaded
    assert "notes.pdf" in uploaded and "unsupported file type" in uploaded
    seen = _ask(browser, "How much does the green glass bell cast in Veltrana weigh?")
    assert "nr-answer" in seen.classes, seen.text
    assert re.search(r"2,?417", seen.text), seen.text
    cards = _cited_cards(browser, seen.element)
    assert any("Veltrana" in title for _, title in cards), cards
    assert "veltrana.txt" in browser.find_element("id", "nr-sources-panel").text


def test_markup_in_an_article_renders_as_text_and_never_runs(browser, uploaded: str):
    _ask(browser, "What message did the Quillmoor harbour council's notice board refuse?")
    panel = browser.find_element("id", "nr-sources-panel").get_attribute("textContent")
    assert "<script>document.title='pwned';window.pwned=1</script>" in panel
    assert '<img src=x onerror="window.pwned=2">' in panel
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.title == "newsrag"
    assert not browser.execute_script(
        "return document.querySelectorAll('#nr-chat script, #nr-sources-panel script, img[onerror]').length")


def _shot(driver, name: str) -> None:
    """With NEWSRAG_SCREENSHOTS=DIR, save the window as DIR/NAME.png (the pictures in docs/)."""
    folder = os.environ.get("NEWSRAG_SCREENSHOTS")
    if folder:
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def _choose(driver, elem_id: str, label_part: str) -> None:
    """Pick the option of Gradio dropdown `elem_id` whose label contains `label_part`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.CSS_SELECTOR, f"#{elem_id} input").click()

    def option(d):
        found = [o for o in d.find_elements(By.CSS_SELECTOR, "ul[role=listbox] li[role=option]")
                 if label_part in o.get_attribute("textContent")]
        return found[0] if found else None

    WebDriverWait(driver, 20).until(option).click()
    driver.execute_script("document.activeElement && document.activeElement.blur()")  # close the option list


def _click(driver, elem_id: str) -> None:
    """Click a button even if an option list or a toast still covers part of it."""
    driver.execute_script("arguments[0].click()", driver.find_element("id", elem_id))


def _loaded(driver) -> None:
    """After a (re)load: wait until the page's load event has filled in the window (the line about the
    collection is one of its outputs), so a choice made now is not overwritten by it."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 120).until(lambda d: d.find_elements("css selector", "#nr-question textarea")
                                     and "Collection" in d.find_element("id", "nr-index-info").text)


def _new_chat(driver) -> None:
    """Start a new chat, so the next question is not read as a follow-up of the last test's."""
    from selenium.webdriver.support.ui import WebDriverWait

    _click(driver, "nr-new")
    WebDriverWait(driver, 30).until(lambda d: not d.find_elements("css selector", FINAL))


def _tab(driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    next(b for b in driver.find_elements(By.CSS_SELECTOR, "button[role=tab]") if b.text.strip() == name).click()


def test_the_library_lists_opens_and_deletes_and_the_next_answer_does_not_cite_it(browser, uploaded: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    _new_chat(driver)
    _ask(driver, "How much does the green glass bell cast in Veltrana weigh?")
    assert "2,417 kilograms" in driver.find_element(By.ID, "nr-sources-panel").text  # found before the delete
    _tab(driver, "Library")
    WebDriverWait(driver, 30).until(lambda d: "Veltrana" in d.find_element(By.ID, "nr-lib-list").text)
    assert "001_6e42feeb05231df3.txt" in driver.find_element(By.ID, "nr-lib-list").text  # the samples are listed
    driver.find_element(By.CSS_SELECTOR, "#nr-lib-search textarea, #nr-lib-search input").send_keys(
        "glass bell" + Keys.ENTER)
    WebDriverWait(driver, 30).until(lambda d: "1 article matching" in d.find_element(By.ID, "nr-lib-list").text)
    _choose(driver, "nr-lib-open", "Glassworks in Veltrana")
    WebDriverWait(driver, 30).until(lambda d: "2,417 kilograms" in d.find_element(By.ID, "nr-lib-article").text)
    assert "boilerplate line" in driver.find_element(By.ID, "nr-lib-article").text
    _shot(driver, "library")
    _click(driver, "nr-lib-delete")
    WebDriverWait(driver, 60).until(lambda d: "Deleted" in d.find_element(By.ID, "nr-lib-status").text)
    assert "No article matches" in driver.find_element(By.ID, "nr-lib-list").text
    _tab(driver, "Sources")
    after = _ask(driver, "How much does the green glass bell cast in Veltrana weigh?")
    assert not any("Veltrana" in title for _, title in _cited_cards(driver, after.element)), after.text
    assert "2,417 kilograms" not in driver.find_element(By.ID, "nr-sources-panel").text


def test_switching_collections_answers_from_the_chosen_one_only(browser, server_home: Path,
                                                                tmp_path_factory: pytest.TempPathFactory):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    folder = tmp_path_factory.mktemp("harbour")
    (folder / "quillmoor.txt").write_text(
        "Quillmoor harbour buys a lighthouse lens\n\nThe Quillmoor harbour council bought a lighthouse lens "
        "for 86,000 crowns from a workshop in Brantwick, the harbour clerk Odile Fenwright said.\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_HOME=str(server_home), HF_HUB_OFFLINE="1")
    subprocess.run([sys.executable, "-m", "newsrag", "index", "--collection", "harbour", str(folder)],
                   env=env, check=True, capture_output=True, timeout=600)
    driver.refresh()  # the picker lists collections made since the page was built
    _loaded(driver)
    _choose(driver, "nr-collection", "harbour")
    WebDriverWait(driver, 30).until(lambda d: "'harbour'" in d.find_element(By.ID, "nr-index-info")
                                    .get_attribute("textContent"))
    lens = _ask(driver, "How much did the Quillmoor harbour council pay for the lighthouse lens?")
    assert "86,000" in lens.text and any("lighthouse" in t for _, t in _cited_cards(driver, lens.element))
    _upload_shows_progress(driver, tmp_path_factory.mktemp("ledgers"))
    helium = _ask(driver, "How much helium does China use every year?")
    assert "4,300" not in helium.text and not _cited_cards(driver, helium.element), helium.text
    assert "001_6e42feeb05231df3.txt" not in driver.find_element(By.ID, "nr-sources-panel").text
    _choose(driver, "nr-collection", "newsrag")
    WebDriverWait(driver, 30).until(lambda d: not d.find_elements(By.CSS_SELECTOR, FINAL))  # a new chat
    back = _ask(driver, "How much helium does China use every year?")
    assert re.search(r"4,?300", back.text) and "quillmoor" not in driver.find_element(
        By.ID, "nr-sources-panel").text.lower()


def _ledgers(folder: Path, count: int = 150) -> Path:
    """A JSONL file of `count` distinct harbour ledger articles (random words, so no two are near copies),
    big enough that embedding it takes several seconds."""
    words = ("salt fish slate barrels crates quay tide pilot ferry rope tar timber wool grain lamp oil net "
             "hull mast anchor berth toll clerk ledger cargo sail copper tin cloth wine coal").split()
    rows = []
    for n in range(count):
        pick = random.Random(n).choice
        text = " ".join(f"Ledger {n} line {m}: " + " ".join(pick(words) for _ in range(14)) + "."
                        for m in range(10))
        rows.append(json.dumps({"title": f"Quillmoor harbour ledger {n}", "text": text, "date": "2021-05-01"}))
    path = folder / "ledgers.jsonl"
    path.write_text("\n".join(rows) + "\n")
    return path


def _upload_shows_progress(driver, folder: Path) -> None:
    """Upload a large file into the chosen collection: while it embeds, the summary shows a progress bar
    that moves through the embedding; then the summary says how many articles it added."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if not driver.find_elements(By.CSS_SELECTOR, "#nr-upload-files input[type=file]"):
        driver.find_element(By.CSS_SELECTOR, "#nr-add button.label-wrap").click()
    upload = WebDriverWait(driver, 20).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#nr-upload-files input[type=file]"))
    upload.send_keys(str(_ledgers(folder)))
    WebDriverWait(driver, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#nr-upload-files td.filename[aria-label='ledgers.jsonl']"))
    _click(driver, "nr-upload")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})",
                          driver.find_element(By.ID, "nr-upload-summary"))
    seen: list[str] = []
    deadline = time.monotonic() + ANSWER_WAIT
    while time.monotonic() < deadline and "150 articles" not in driver.find_element(By.ID, "nr-upload-summary").text:
        text = driver.execute_script(
            "const p = document.querySelector('#nr-upload-summary .progress-level-inner');"
            "const b = document.querySelector('#nr-upload-summary .progress-bar');"
            "return p && b ? p.textContent.trim() + ' | ' + b.style.width : null")
        if text:
            if text.startswith("embedding") and not (seen and seen[-1].startswith("embedding")):
                _shot(driver, "upload-progress")  # as the embedding starts
            seen.append(text)
        time.sleep(0.1)
    summary = driver.find_element(By.ID, "nr-upload-summary").text
    assert "150 articles added from 1 file" in summary, (summary, seen[-5:])
    embedding = list(dict.fromkeys(s for s in seen if s.startswith("embedding")))
    assert len(embedding) >= 3, list(dict.fromkeys(seen))  # the bar showed the embedding moving on


def test_stop_ends_an_answer_and_the_next_question_is_answered(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    _new_chat(driver)
    driver.find_element(By.CSS_SELECTOR, "#nr-question textarea").send_keys(
        "What did Dominic Raab say about China on Sky News?" + Keys.ENTER)
    WebDriverWait(driver, ANSWER_WAIT).until(lambda d: (d.execute_script(
        "const s = document.querySelector('#nr-chat .nr-streaming'); return s ? s.textContent.trim() : ''")
        not in ("", "…")))
    _click(driver, "nr-stop")
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#nr-chat .nr-stopped"))
    assert "Stopped" in driver.find_element(By.CSS_SELECTOR, "#nr-chat .nr-stopped").text
    started = time.monotonic()
    seen = _ask(driver, "How much helium does China use every year?")
    assert "nr-answer" in seen.classes and re.search(r"4,?300", seen.text), seen.text
    assert time.monotonic() - started < 90  # the stopped answer did not keep the model busy


def _radio(driver, elem_id: str, label_part: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def label(d):
        found = [x for x in d.find_elements(By.CSS_SELECTOR, f"#{elem_id} label") if label_part in x.text]
        return found[0] if found else None

    WebDriverWait(driver, 30).until(label).click()


def _thumb(driver, answer_index: int, which: str) -> None:
    """Click Like or Dislike under the `answer_index`-th answer of the chat."""
    from selenium.webdriver.common.by import By

    buttons = driver.find_elements(By.CSS_SELECTOR, f'#nr-chat button[aria-label="{which}"]')
    buttons[answer_index].click()


def test_a_conversation_survives_a_restart_and_its_feedback_is_replayed_by_eval(
        browser, running: Server, tmp_path: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    _new_chat(driver)
    question = "What did CNBC reporter Arjun Kharpal report from China?"
    first = _ask(driver, question)
    first_cards = _cited_cards(driver, first.element)
    assert first_cards, first.text
    second = _ask(driver, "How much helium does China use every year?")
    assert re.search(r"4,?300", second.text), second.text
    _thumb(driver, 0, "Like")
    WebDriverWait(driver, 30).until(lambda d: "marked good" in d.find_element(By.ID, "nr-feedback-status").text)
    _thumb(driver, 1, "Dislike")
    WebDriverWait(driver, 30).until(lambda d: "marked wrong" in d.find_element(By.ID, "nr-feedback-status").text)
    driver.find_element(By.CSS_SELECTOR, "#nr-feedback button.label-wrap").click()
    box = WebDriverWait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "#nr-correction textarea"))
    box.send_keys("4,300 tonnes")
    driver.find_element(By.ID, "nr-correction-send").click()
    WebDriverWait(driver, 30).until(lambda d: "Correction saved" in d.find_element(By.ID, "nr-feedback-status").text)

    running.restart()
    driver.refresh()
    _loaded(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, FINAL)  # a new window starts a new chat
    _radio(driver, "nr-conversations", question[:40])
    WebDriverWait(driver, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, FINAL)) == 2)
    restored = driver.find_elements(By.CSS_SELECTOR, FINAL)[0]
    assert _cited_cards(driver, restored) == first_cards  # the first answer's [n] open its own passages
    _shot(driver, "conversations")

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_HOME=str(running.home), HF_HUB_OFFLINE="1")
    out = tmp_path / "feedback.jsonl"
    subprocess.run([sys.executable, "-m", "newsrag", "feedback", "export", str(out)], env=env, check=True,
                   capture_output=True, timeout=120)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["question"] for r in rows} >= {question, "How much helium does China use every year?"}
    helium = next(r for r in rows if r["question"].startswith("How much helium"))
    assert helium["answers"] == ["4,300 tonnes"] and helium["history"][0][0] == question
    # Replayed with the retrieval config: the export, its gold answers and the report are what is tested here
    # (the answer path is measured by the eval tests), and it spares loading the model and answering again.
    replay = subprocess.run([sys.executable, "-m", "newsrag", "eval", str(out), "--config", "retrieval", "--report",
                             str(tmp_path / "report"), "--strict"], env=env, capture_output=True, text=True,
                            timeout=900)
    assert replay.returncode == 0, replay.stderr[-2000:]
    report = (tmp_path / "report" / "feedback.md").read_text("utf-8")
    assert re.search(rf"\| questions \| {len(rows)} ", report) and re.search(r"\| errors \| 0 ", report), report[:3000]
