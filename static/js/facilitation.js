// Facilitation: progressive enhancement only. Every form works without this file.
// - the prompt and draft editors (django-prose-editor, imported by path: the strict CSP allows no inline
//   import map), like the forums' composer;
// - the prompt form shows only the timing fields of the chosen mode;
// - the nudge form fills the message from the chosen template;
// - forms marked data-confirm ask before cancelling or withdrawing;
// - the first-timer queue announces a reply that took a post out of the queue.

const CONFIG_ATTR = "data-django-prose-editor-configurable";
const SKIP = new Set(["NoSpellCheck"]); // people want their browser's spell checker

// ProseMirror's parser drops the whitespace at the end of a paragraph, so a space typed last in the plain box,
// just before the editor replaced it, would be lost ("talk.People"): put it back at the caret (the end).
function keepTrailingSpace(editor, typed) {
  if (/[ \t\u00a0]$/.test(typed) && !/\s$/.test(editor.state.doc.textContent)) {
    editor.view.dispatch(editor.state.tr.insertText(" "));
  }
}

// django-prose-editor's createTextareaEditor, but with injectCSS off: tiptap's injected <style> breaks the
// strict CSP (no inline styles); css/editor.css carries those rules instead (as in forums.js and blogs.js).
function textareaEditor(Prose, textarea, extensions) {
  const disabled = textarea.hasAttribute("disabled");
  const hadFocus = document.activeElement === textarea; // someone already writing in the plain box
  const typed = textarea.value;
  const wrapper = document.createElement("div");
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new Prose.Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
  if (hadFocus) {
    // Moving the textarea took its focus: give it to the editor now (caret at the end), not on the next frame
    // as tiptap's focus command would, so keys typed while the editor arrives are kept.
    editor.commands.focus("end");
    editor.view.focus();
    keepTrailingSpace(editor, typed);
  }
  return editor;
}

// The editor bundle by its fingerprinted URL (the page's <meta name="ks-editor-module">, from {% static %}),
// so browsers cache it as immutable and share it with the forums' composer; by path if the page has none.
function editorModuleUrl() {
  const meta = document.querySelector("meta[name=ks-editor-module]");
  return (meta && meta.content) || "../django_prose_editor/editor.js";
}

async function setupEditors() {
  const areas = document.querySelectorAll(`textarea[${CONFIG_ATTR}]`);
  if (!areas.length) return;
  const Prose = await import(editorModuleUrl());
  areas.forEach((textarea) => {
    if (textarea.closest(".ProseMirror") || textarea.dataset.editorReady) return;
    let config = {};
    try {
      config = JSON.parse(textarea.getAttribute(CONFIG_ATTR) || "{}");
    } catch (e) {
      config = {};
    }
    const extensions = [];
    for (const [name, options] of Object.entries(config.extensions || {})) {
      const extension = Prose[name];
      if (!extension || SKIP.has(name)) continue;
      extensions.push(options && typeof options === "object" ? extension.configure(options) : extension);
    }
    const editor = textareaEditor(Prose, textarea, extensions);
    textarea.dataset.editorReady = "1";
    const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
    const dom = editor.view.dom;
    dom.setAttribute("aria-label", label ? label.textContent.trim() : "Text");
    dom.setAttribute("aria-multiline", "true");
    dom.setAttribute("role", "textbox");
    if (textarea.getAttribute("aria-invalid") === "true") dom.setAttribute("aria-invalid", "true");
  });
}

function setupModePanels() {
  const radios = document.querySelectorAll('input[name="mode"]');
  const panels = document.querySelectorAll("[data-mode-panel]");
  if (!radios.length || !panels.length) return;
  const show = () => {
    const chosen = document.querySelector('input[name="mode"]:checked');
    const mode = chosen ? chosen.value : "";
    panels.forEach((panel) => {
      panel.hidden = panel.dataset.modePanel !== mode;
    });
  };
  radios.forEach((radio) => radio.addEventListener("change", show));
  show();
}

function setupNudgeTemplates() {
  const select = document.querySelector("[data-nudge-template]");
  const message = document.querySelector('textarea[name="message"]');
  if (!select || !message) return;
  select.addEventListener("change", () => {
    const option = select.options[select.selectedIndex];
    const text = option ? option.dataset.text || "" : "";
    if (text || select.value === "custom") message.value = text;
    message.focus();
  });
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("htmx:afterSettle", () => {
  const status = document.querySelector("[data-queue-status]");
  document.querySelectorAll(".facil-queue__item--done:not([data-announced])").forEach((done) => {
    done.dataset.announced = "1";
    if (status) status.textContent = done.textContent.trim();
  });
});

// The library's "add to" bar: a new cohort, board or session applies at once (the buttons carry it).
document.addEventListener("change", (event) => {
  const form = event.target.closest ? event.target.closest("form[data-autosubmit]") : null;
  if (form && event.target.matches("select")) form.submit();
});

function init() {
  setupEditors();
  setupModePanels();
  setupNudgeTemplates();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
