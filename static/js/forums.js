// Boards: progressive enhancement of the composer and the topic page. Every form works without this file.
// - turns the composer's textarea into the rich-text editor (django-prose-editor), with a live character
//   count. The editor (≈170 KB gzip of script, its styles and icon font) is fetched only when it is
//   needed: at once where writing is the point of the page (new topic, reply, edit), and on a topic or
//   blog entry page when the reader focuses the reply box or uses "Reply"/"Quote". Its URLs come from
//   <meta name="ks-editor"> (forums/partials/editor_assets.html) with their fingerprinted names, so they
//   are cached as immutable; no inline import map, and tiptap's injected <style> is switched off (its
//   rules are in css/editor.css), so the strict CSP (style-src 'self') holds;
// - suggests people after "@" (htmx fragment from forums:mention-autocomplete) and inserts a profile link;
// - uploads chosen images straight away and inserts them; saves the draft when the page is left;
// - quotes (the selected text, or the whole post) and replies into the composer on the same page.
const CONFIG_ATTR = "data-django-prose-editor-configurable";
// A composer whose editor loads on demand leaves the configuration out of the page and names its URL (issue 13).
const EDITABLE = `textarea[${CONFIG_ATTR}], textarea[data-editor-config]`;
const SKIP = new Set(["NoSpellCheck"]); // leaders want their browser's spell checker
const editors = new WeakMap();
let Prose = null; // the editor module, once loaded
let loading = null;

function editorAssets() {
  const meta = document.querySelector("meta[name=ks-editor]");
  if (!meta) return null;
  return { js: meta.dataset.js, css: (meta.dataset.css || "").split(" ").filter(Boolean), lazy: meta.hasAttribute("data-lazy") };
}

function loadStyle(href) {
  if (document.querySelector(`link[rel=stylesheet][href="${href}"]`)) return Promise.resolve();
  return new Promise((resolve) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve);
    document.head.appendChild(link);
  });
}

function loadEditor() {
  const assets = editorAssets();
  if (!assets) return Promise.reject(new Error("This page has no editor."));
  if (!loading) {
    loading = Promise.all([import(assets.js), ...assets.css.map(loadStyle)]).then(([module]) => {
      Prose = module;
      return module;
    });
    loading.catch(() => {
      loading = null; // offline for a moment: the plain textarea still works; try again next time
    });
  }
  return loading;
}

// django-prose-editor's createTextareaEditor, but with tiptap's <style> injection off (CSP).
function createEditor(textarea, extensions) {
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = document.createElement("div");
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  return new Prose.Editor({
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
}

function buildExtensions(config) {
  const list = [];
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = Prose[name];
    if (!extension || SKIP.has(name)) continue;
    list.push(options && typeof options === "object" ? extension.configure(options) : extension);
  }
  return list;
}

function formatNumber(n) {
  return new Intl.NumberFormat("en-GB").format(n);
}

function setupCount(editor, textarea, form) {
  const out = form.querySelector("[data-char-count]");
  const max = parseInt(textarea.dataset.maxChars || "0", 10);
  if (!out) return;
  const update = () => {
    const length = editor.state.doc.textContent.trim().length;
    out.textContent = `${formatNumber(length)} of ${formatNumber(max)} characters`;
    out.classList.toggle("composer__count--over", max && length > max);
  };
  editor.on("update", update);
  update();
}

// ------------------------------------------------------------------ @mentions
function setupMentions(editor, form) {
  const picker = form.querySelector("[data-mention-results]");
  const baseUrl = form.dataset.mentionUrl;
  if (!picker || !baseUrl) return;
  picker.id = picker.id || `mention-picker-${Math.random().toString(36).slice(2)}`;
  const dom = editor.view.dom;
  dom.setAttribute("aria-autocomplete", "list");
  dom.setAttribute("aria-controls", picker.id);
  let range = null;
  let lastQuery = "";
  let timer = null;

  const options = () => Array.from(picker.querySelectorAll("[role=option]"));
  const close = () => {
    picker.hidden = true;
    picker.innerHTML = "";
    range = null;
    lastQuery = "";
    dom.removeAttribute("aria-activedescendant");
  };
  const select = (index) => {
    const all = options();
    all.forEach((el, i) => el.setAttribute("aria-selected", String(i === index)));
    if (all[index]) dom.setAttribute("aria-activedescendant", all[index].id);
  };
  const selectedIndex = () => options().findIndex((el) => el.getAttribute("aria-selected") === "true");
  const choose = (option) => {
    if (!option || !range) return;
    const name = option.dataset.mentionName;
    const href = option.dataset.mentionUrl;
    editor
      .chain()
      .focus()
      .deleteRange(range)
      .insertContent([
        { type: "text", text: `@${name}`, marks: [{ type: "link", attrs: { href } }] },
        { type: "text", text: " " },
      ])
      .unsetMark("link")
      .run();
    close();
  };

  const lookup = () => {
    const { $from, empty } = editor.state.selection;
    if (!empty) return close();
    const before = $from.parent.textBetween(0, $from.parentOffset, null, "\ufffc");
    const match = /(?:^|[\s(])@([\p{L}\p{N}][\p{L}\p{N}' .-]{0,40})$/u.exec(before);
    if (!match) return close();
    const query = match[1];
    range = { from: $from.pos - query.length - 1, to: $from.pos };
    if (query === lastQuery) return;
    lastQuery = query;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const separator = baseUrl.includes("?") ? "&" : "?";
      if (!window.htmx) return; // htmx loads after this module; it is there by the time anyone types
      window.htmx.ajax("GET", `${baseUrl}${separator}q=${encodeURIComponent(query)}`, { target: picker, swap: "innerHTML" });
    }, 120);
  };
  editor.on("update", lookup); // typing
  editor.on("selectionUpdate", lookup); // moving the cursor
  picker.addEventListener("htmx:afterSwap", () => {
    const has = options().length > 0 || picker.textContent.trim() !== "";
    picker.hidden = !has || range === null; // aria-expanded belongs to comboboxes, not role=textbox
    select(0);
  });
  picker.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) {
      event.preventDefault();
      choose(option);
    }
  });
  dom.addEventListener(
    "keydown",
    (event) => {
      if (picker.hidden || !options().length) return;
      const all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        event.stopPropagation();
        const step = event.key === "ArrowDown" ? 1 : -1;
        select((selectedIndex() + step + all.length) % all.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        event.stopPropagation();
        choose(all[Math.max(0, selectedIndex())]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    },
    true,
  );
  dom.addEventListener("blur", () => setTimeout(close, 150));
}

// ------------------------------------------------------------------ images
function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function setupUploads(editor, form) {
  const input = form.querySelector("input[type=file][name=images]");
  const status = form.querySelector("[data-upload-status]");
  const url = form.dataset.uploadUrl;
  if (!input || !url) return;
  input.addEventListener("change", async () => {
    const files = Array.from(input.files || []);
    for (const file of files) {
      if (status) status.textContent = `Uploading ${file.name}…`;
      const data = new FormData();
      data.append("image", file);
      data.append("board", form.dataset.board || "");
      data.append("alt", file.name.replace(/\.[^.]+$/, "").replace(/[-_]+/g, " "));
      try {
        const response = await fetch(url, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken(form) },
          credentials: "same-origin",
        });
        const answer = await response.json();
        if (!response.ok) throw new Error(answer.error || "The image could not be uploaded.");
        editor.chain().focus().insertContent({ type: "image", attrs: answer }).run();
        if (status) status.textContent = `${file.name} added.`;
      } catch (error) {
        if (status) status.textContent = `${file.name}: ${error.message}`;
      }
    }
    input.value = ""; // they are in the text now; do not send them again with the form
  });
}

// ------------------------------------------------------------------ drafts and submitting
function setupDraftAndSubmit(form) {
  const draftUrl = form.dataset.draftUrl;
  let submitting = false;
  // Each save says which composer wrote it (this page load) and how many edits it had seen, so the server
  // keeps the newest when saves overtake one another: an autosave still on its way when the page is left
  // and the beacon goes (forums.services.draft_save).
  const writer = Math.random().toString(36).slice(2, 14) || "w";
  let edits = 0;
  let sending = 0; // the edits the autosave on its way had seen
  let saved = 0; // the edits the server has
  // The autosave (htmx posts the form on "draftsave"): a few seconds after a pause, and every few seconds
  // while the writing goes on (htmx handles one trigger per event, so this cannot be two hx-triggers).
  const every = (Number(form.dataset.autosaveSeconds) || 5) * 1000;
  let afterPause = null;
  let atLatest = null;
  const autosave = () => {
    clearTimeout(afterPause);
    clearTimeout(atLatest);
    afterPause = atLatest = null;
    if (edits > saved && !submitting) form.dispatchEvent(new Event("draftsave"));
  };
  form.addEventListener("input", () => {
    edits += 1;
    if (!draftUrl) return;
    clearTimeout(afterPause);
    afterPause = setTimeout(autosave, every);
    if (atLatest === null) atLatest = setTimeout(autosave, every);
  });
  form.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt !== form) return; // the writing coach's own requests
    // A draft is unfinished by nature: htmx would hold the autosave until the topic has its (required) title.
    event.detail.errors = [];
    event.detail.parameters.draft_writer = writer;
    event.detail.parameters.draft_seq = String(edits);
    sending = edits;
  });
  form.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt === form && event.detail.successful) saved = Math.max(saved, sending);
  });
  form.addEventListener("submit", (event) => {
    if (submitting) {
      event.preventDefault(); // a second click while the first is on its way
      return;
    }
    submitting = true;
    const button = form.querySelector("[data-submit]");
    if (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("is-busy");
    }
  });
  if (!draftUrl) return;
  const saveOnLeave = () => {
    if (edits <= saved || submitting) return;
    const data = new FormData(form);
    data.delete("images");
    data.set("draft_writer", writer);
    data.set("draft_seq", String(edits));
    if (navigator.sendBeacon(draftUrl, data)) saved = edits;
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveOnLeave();
  });
  window.addEventListener("pagehide", saveOnLeave);
}

// ------------------------------------------------------------------ quote and reply on the topic page
function setupQuoteReply() {
  const composer = document.getElementById("reply-composer");
  if (!composer) return;
  const indicator = document.querySelector("[data-reply-indicator]");
  const replyTo = composer.querySelector("input[name=reply_to]");
  const setReplyTo = (postId, author) => {
    if (replyTo) replyTo.value = postId;
    if (indicator) {
      indicator.hidden = false;
      indicator.textContent = author ? `Replying to ${author}.` : "Replying to a post.";
    }
  };
  document.addEventListener("click", async (event) => {
    const opener = event.target.closest("[data-open-composer]");
    const link = event.target.closest("[data-reply-to], a[href^='reply/?']");
    if (!link && !opener) return;
    const textarea = composer.querySelector(EDITABLE);
    if (!textarea || !editorAssets()) return; // no editor here: follow the link to the reply page
    event.preventDefault();
    let text = ""; // the words selected in the post, read before anything can move the selection
    const article = link && link.closest("article");
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && article && article.contains(selection.anchorNode)) {
      text = selection.toString();
    }
    let editor;
    try {
      editor = await enhance(textarea);
    } catch {
      window.location.href = (link || opener).href; // the editor could not load: the reply page works without it
      return;
    }
    if (!link) {
      composer.scrollIntoView({ behavior: "smooth", block: "start" });
      focusEnd(editor);
      return;
    }
    const { postId, author, quoteUrl } = replyTarget(link, article);
    setReplyTo(postId, author);
    if (quoteUrl) {
      const url = `${quoteUrl}${text ? `?text=${encodeURIComponent(text)}` : ""}`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) {
        const html = await response.text();
        editor.chain().insertContentAt(editor.state.doc.content.size, html).run();
      }
    }
    composer.scrollIntoView({ behavior: "smooth", block: "start" });
    focusEnd(editor);
  });
}

// A blog comment's link carries its target (data-reply-to, data-post-author); a forum post's Quote and
// Reply links stay small (issue 13): relative hrefs reply/?quote=<id> and reply/?to=<id>; the author is the post's
// name link, and the quote URL comes from the post stream's pattern (data-quote-url, with 0 for the id).
function replyTarget(link, article) {
  if (link.dataset.replyTo) {
    return { postId: link.dataset.replyTo, author: link.dataset.postAuthor, quoteUrl: link.dataset.quoteUrl };
  }
  const params = new URL(link.href, window.location.href).searchParams;
  const postId = params.get("quote") || params.get("to");
  const name = article && article.querySelector("div > a[id^='by-']"); // the author's name, first in the post
  const stream = link.closest("[data-quote-url]");
  const quoteUrl = params.has("quote") && stream ? stream.dataset.quoteUrl.replace("/0/", `/${postId}/`) : "";
  return { postId, author: name ? name.textContent : "", quoteUrl };
}

// ------------------------------------------------------------------ start
// Caret at the end, focused now. Moving the textarea into the editor's wrapper took its focus, and tiptap's
// focus command waits for the next animation frame: a key pressed in between would go to the page and be
// lost (a reply typed while the editor arrived lost a letter this way on a busy machine).
function focusEnd(editor) {
  editor.commands.focus("end");
  editor.view.focus();
}

// ProseMirror's parser drops the whitespace at the end of a paragraph, so a space typed last in the plain box,
// just before the editor replaced it, would be lost ("talk.People"): put it back at the caret (the end).
function keepTrailingSpace(editor, typed) {
  if (/[ \t\u00a0]$/.test(typed) && !/\s$/.test(editor.state.doc.textContent)) {
    editor.view.dispatch(editor.state.tr.insertText(" "));
  }
}

async function editorConfig(textarea) {
  if (textarea.hasAttribute(CONFIG_ATTR)) return JSON.parse(textarea.getAttribute(CONFIG_ATTR) || "{}");
  const response = await fetch(textarea.dataset.editorConfig, { credentials: "same-origin" });
  if (!response.ok) throw new Error("The editor's configuration could not be loaded.");
  return response.json();
}

async function enhance(textarea) {
  if (editors.has(textarea)) return editors.get(textarea);
  const [config] = await Promise.all([editorConfig(textarea), loadEditor()]);
  if (editors.has(textarea)) return editors.get(textarea); // two triggers raced
  const hadFocus = document.activeElement === textarea;
  const typed = textarea.value;
  const form = textarea.closest("form");
  const editor = createEditor(textarea, buildExtensions(config));
  editors.set(textarea, editor);
  editor.view.dom.setAttribute("aria-label", (form.querySelector(`label[for="${textarea.id}"]`) || {}).textContent || "Post");
  editor.view.dom.setAttribute("aria-multiline", "true");
  editor.view.dom.setAttribute("role", "textbox");
  if (textarea.getAttribute("aria-invalid") === "true") editor.view.dom.setAttribute("aria-invalid", "true");
  setupCount(editor, textarea, form);
  setupMentions(editor, form);
  setupUploads(editor, form);
  if (hadFocus) {
    focusEnd(editor); // the reader may be typing already: the next key must land in the editor
    keepTrailingSpace(editor, typed);
  }
  return editor;
}

function init() {
  const assets = editorAssets();
  const textareas = document.querySelectorAll(EDITABLE);
  if (assets && !assets.lazy) {
    textareas.forEach((textarea) => enhance(textarea).catch(() => {}));
  } else if (assets) {
    textareas.forEach((textarea) => {
      const form = textarea.closest("form");
      // The editor is fetched when someone means to write: focus on the box (or its label), or a pointer
      // resting on the composer (a head start, so it is usually there by the click).
      textarea.addEventListener("focus", () => enhance(textarea).catch(() => {}));
      form.addEventListener("pointerenter", () => loadEditor().catch(() => {}), { once: true });
      // Someone quick (or a slow page) may be in the box before this script ran: the focus event is gone.
      if (document.activeElement === textarea) enhance(textarea).catch(() => {});
    });
  }
  document.querySelectorAll("form[data-composer]").forEach(setupDraftAndSubmit);
  setupQuoteReply();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
