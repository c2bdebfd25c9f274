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

// The editor's error summary: move focus to it so screen-reader users hear what to fix.
function focusErrors() {
  const summary = document.getElementById("editor-errors");
  if (summary) summary.focus();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => {
    initEditors(document);
    focusErrors();
  });
} else {
  initEditors(document);
  focusErrors();
}
