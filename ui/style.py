"""The window's stylesheet and fonts."""

CSS = """
.nr-header { font-size: 1.05em; padding: 4px 2px; }
.nr-question p, .nr-answer p, .nr-refusal p, .nr-error p { margin: 0 0 .4em 0; }
.nr-list { margin: 0 0 .4em 0; padding-left: 1.2em; }
.nr-list li { margin: 0 0 .3em 0; }
.nr-list li.nr-dated { list-style: none; margin-left: -1.2em; }
.nr-date { display: inline-block; min-width: 6.5em; font-weight: 600; font-variant-numeric: tabular-nums; }
a.nr-cite { display: inline-block; padding: 0 .35em; margin: 0 .1em; border-radius: .6em; font-size: .8em;
  font-weight: 600; text-decoration: none; background: #dbeafe; color: #1e3a8a; border: 1px solid #93c5fd; }
a.nr-cite.nr-unsupported { background: #fef3c7; color: #92400e; border: 1px dashed #d97706; }
.nr-meta { font-size: .75em; opacity: .65; margin-top: .3em; }
.nr-why { font-size: .75em; opacity: .75; margin-top: .3em; font-style: italic; }
.nr-warning { font-size: .8em; color: #92400e; margin-top: .3em; }
.nr-pending { opacity: .6; }
.nr-refusal { border-left: 4px solid #9ca3af; padding: .2em .6em; font-style: italic;
  color: var(--body-text-color-subdued); }
.nr-refusal-label, .nr-error-label { font-style: normal; font-weight: 700; font-size: .8em; text-transform: uppercase;
  letter-spacing: .04em; margin-bottom: .2em; }
.nr-error { border-left: 4px solid #dc2626; background: #fef2f2; color: #7f1d1d; padding: .3em .6em; }
.nr-sources { max-height: 640px; overflow-y: auto; padding-right: 4px; }
.nr-sources-head { font-weight: 700; margin: .2em 0 .5em; }
.nr-empty { opacity: .6; font-style: italic; padding: 1em .2em; }
.nr-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .5em .7em; margin-bottom: .6em;
  scroll-margin-top: 12px; }
.nr-source:target { outline: 3px solid #60a5fa; }
.nr-uncited { opacity: .75; }
.nr-source-unsupported { border-color: #d97706; border-style: dashed; }
.nr-source-head .nr-badge { font-weight: 700; color: #1e3a8a; }
.nr-title { font-weight: 600; }
.nr-flag { margin-left: .5em; font-size: .75em; color: #92400e; background: #fef3c7; padding: 0 .4em;
  border-radius: .4em; }
.nr-source-meta { font-size: .8em; opacity: .7; margin: .15em 0 .35em; }
.nr-passage { font-size: .9em; line-height: 1.45; white-space: pre-wrap; }
.nr-passage mark { background: #fde68a; padding: 0 .1em; }
.nr-rejected ul { margin: .2em 0 0 1.2em; }
button.nr-example { font-weight: 400; }
.nr-earlier { margin-top: 1em; border-top: 1px solid var(--border-color-primary); padding-top: .4em; }
.nr-earlier-turn > summary { cursor: pointer; font-size: .9em; margin: .3em 0; }
.nr-md { display: none; }
.nr-stopped { opacity: .8; }
.nr-stopped-note { color: #92400e; }
.nr-library { max-height: 320px; overflow-y: auto; }
.nr-library table { width: 100%; border-collapse: collapse; font-size: .85em; }
.nr-library th, .nr-library td { text-align: left; padding: .2em .4em; vertical-align: top;
  border-bottom: 1px solid var(--border-color-primary); }
.nr-article { max-height: 420px; overflow-y: auto; border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: .5em .7em; }
a.nr-copy-md { color: inherit; }
"""

THEME_FONTS = ["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"]

# "copy as Markdown" under each answer copies the hidden Markdown beside it (the chat's sanitiser strips
# inline handlers, so one delegated listener is installed when the page loads).
COPY_JS = """
() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('.nr-copy-md');
    if (!link) return;
    event.preventDefault();
    const markdown = link.closest('.nr-answer').querySelector('.nr-md');
    if (!markdown || !navigator.clipboard) return;
    navigator.clipboard.writeText(markdown.textContent).then(() => {
      link.textContent = 'copied';
      setTimeout(() => { link.textContent = 'copy as Markdown'; }, 1500);
    });
  });
}
"""
