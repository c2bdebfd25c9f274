// Blogs: the entry editor. Loaded as an ES module; progressive enhancement only (without it the body is a
// plain textarea). Comments use the boards' composer (static/js/forums.js) for editing and @mentions.
//
// django-prose-editor's own loader needs an inline <script type="importmap">, which our strict CSP
// forbids, so we import its editor bundle by path and build the editor here, as its "default" preset does.

const ATTR = "data-django-prose-editor-default";
const DEFAULT_TYPES = ["Blockquote", "Bold", "BulletList", "Heading", "HorizontalRule", "Italic", "Link",
  "OrderedList", "Strike", "Subscript", "Superscript", "Underline"];
let editorModule = null;

// The editor bundle by its fingerprinted URL (the page's <meta name="ks-editor-module">, from {% static %}),
// so browsers cache it as immutable and share it with the forums' composer; by path if the page has none.
function editorModuleUrl() {
  const meta = document.querySelector("meta[name=ks-editor-module]");
  return (meta && meta.content) || "../django_prose_editor/editor.js";
}

async function loadEditor() {
  if (!editorModule) {
    editorModule = await import(editorModuleUrl());
  }
  return editorModule;
}

function labelFor(textarea) {
  const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
  return label ? label.textContent.trim() : "Text";
}

// ProseMirror's parser drops the whitespace at the end of a paragraph, so a space typed last in the plain box,
// just before the editor replaced it, would be lost ("talk.People"): put it back at the caret (the end).
function keepTrailingSpace(editor, typed) {
  if (/[ \t\u00a0]$/.test(typed) && !/\s$/.test(editor.state.doc.textContent)) {
    editor.view.dispatch(editor.state.tr.insertText(" "));
  }
}

function createEditor(m, textarea, config) {
  if (textarea.closest(".prose-editor")) return null;
  const types = config.types && config.types.length ? config.types : DEFAULT_TYPES;
  const has = (...names) => names.some((n) => types.includes(n));
  const extensions = [
    m.Document, m.Dropcursor, m.Gapcursor, m.Paragraph, m.HardBreak, m.Text,
    config.history && m.History, m.Menu, config.html && m.HTML, m.NoSpellCheck,
    config.typographic && m.SpecialCharacters,
    has("Blockquote") && m.Blockquote, has("Bold") && m.Bold, has("BulletList") && m.BulletList,
    has("Heading") && m.Heading.configure({ levels: config.headingLevels || [2, 3] }),
    has("HorizontalRule") && m.HorizontalRule, has("Italic") && m.Italic, has("Link") && m.Link,
    has("BulletList", "OrderedList") && m.ListItem, has("OrderedList") && m.OrderedList,
    has("Strike") && m.Strike, has("Subscript") && m.Subscript, has("Superscript") && m.Superscript,
    has("Underline") && m.Underline,
  ].filter(Boolean);
  const hadFocus = document.activeElement === textarea; // someone already writing in the plain box
  const typed = textarea.value;
  const wrapper = document.createElement("div");
  wrapper.className = "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new m.Editor({
    element: wrapper,
    editable: !textarea.hasAttribute("disabled"),
    extensions,
    content: textarea.value,
    injectCSS: false, // the CSP forbids injected <style>; editor.css carries the styles
    onUpdate({ editor: ed }) {
      const html = ed.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
  const dom = editor.view.dom;
  dom.setAttribute("role", "textbox");
  dom.setAttribute("aria-multiline", "true");
  dom.setAttribute("aria-label", labelFor(textarea));
  if (textarea.id) dom.dataset.for = textarea.id;
  if (hadFocus) {
    // Moving the textarea took its focus: give it to the editor now (caret at the end), not on the next frame
    // as tiptap's focus command would, so keys typed while the editor arrives are kept.
    editor.commands.focus("end");
    editor.view.focus(); // ProseMirror's focus: puts the DOM caret where its selection is (the end)
    keepTrailingSpace(editor, typed);
  }
  textarea.dispatchEvent(new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }));
  return editor;
}

async function initEditors(root) {
  const areas = root.querySelectorAll(`textarea[${ATTR}]`);
  if (!areas.length) return;
  const m = await loadEditor();
  areas.forEach((textarea) => {
    let config = {};
    try {
      config = JSON.parse(textarea.getAttribute(ATTR)) || {};
    } catch (e) {
      config = {};
    }
    createEditor(m, textarea, config);
  });
}

// Autosave of the working copy (htmx posts the editor's form on "draftsave"): a few seconds after a pause,
// at least that often while the writing goes on, and once more by beacon when the page is left. Each save
// names this page load's editor and counts its edits, so the server keeps the newest when saves overtake
// one another (blogs.services.entries.entry_autosave).
function setupAutosave(form) {
  const url = form.dataset.hxPost;
  if (!url) return;
  const every = (Number(form.dataset.autosaveSeconds) || 3) * 1000;
  const writer = Math.random().toString(36).slice(2, 14) || "w";
  const fields = (form.dataset.hxParams || "").split(",").map((name) => name.trim()).filter(Boolean);
  let edits = 0;
  let sending = 0;
  let saved = 0;
  let leaving = false; // the form itself is being submitted (saved, published) or its copy discarded
  let afterPause = null;
  let atLatest = null;
  const autosave = () => {
    clearTimeout(afterPause);
    clearTimeout(atLatest);
    afterPause = atLatest = null;
    if (edits > saved && !leaving) form.dispatchEvent(new Event("draftsave"));
  };
  const edited = () => {
    edits += 1;
    clearTimeout(afterPause);
    afterPause = setTimeout(autosave, every);
    if (atLatest === null) atLatest = setTimeout(autosave, every);
  };
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt !== form) return;
    event.detail.parameters.draft_writer = writer;
    event.detail.parameters.draft_seq = String(edits);
    sending = edits;
  });
  form.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt === form && event.detail.successful) saved = Math.max(saved, sending);
  });
  document.addEventListener("submit", (event) => {
    const target = event.submitter && event.submitter.getAttribute("formtarget");
    if (event.defaultPrevented || target === "_blank") return; // Preview opens a tab; this page stays
    if (event.target === form) {
      // The save says which editor it came from and what it had seen: its autosaves still on their way are
      // then stale (blogs.services.entries.entry_autosave).
      for (const [name, value] of [["draft_writer", writer], ["draft_seq", String(edits)]]) {
        let input = form.querySelector(`input[type=hidden][name=${name}]`);
        if (!input) {
          input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          form.append(input);
        }
        input.value = value;
      }
    }
    if (event.target === form || event.target.querySelector("input[name=discard]")) leaving = true;
  });
  const saveOnLeave = () => {
    if (edits <= saved || leaving) return;
    const data = new FormData();
    const all = new FormData(form);
    for (const name of ["csrfmiddlewaretoken", ...fields]) {
      if (all.has(name)) data.set(name, all.get(name));
    }
    data.set("draft_writer", writer);
    data.set("draft_seq", String(edits));
    if (navigator.sendBeacon(url, data)) saved = edits;
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveOnLeave();
  });
  window.addEventListener("pagehide", saveOnLeave);
}

// The editor's error summary: move focus to it so screen-reader users hear what to fix.
function focusErrors() {
  const summary = document.getElementById("editor-errors");
  if (summary) summary.focus();
}

function start() {
  initEditors(document);
  focusErrors();
  const editor = document.getElementById("entry-editor");
  if (editor) setupAutosave(editor);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
