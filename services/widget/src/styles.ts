/**
 * The widget's styles, inside its shadow root. `:host` resets everything the page could pass
 * down by inheritance (with !important, which beats the page's own !important rules on the
 * host element); colours, font and radius come from the publisher's --comments-* properties.
 */
export const CSS = `
:host{all:initial!important;display:block!important;visibility:visible!important;opacity:1!important;position:static!important;
--_accent:var(--comments-accent,#1a5fb4);--_accent-fg:var(--comments-accent-text,#fff);--_bg:var(--comments-bg,#fff);
--_fg:var(--comments-text,#1f2328);--_muted:var(--comments-muted,#59636e);--_border:var(--comments-border,#d1d9e0);
--_surface:var(--comments-surface,#f6f8fa);--_danger:var(--comments-danger,#b3261e);--_warn-bg:var(--comments-warning-bg,#fff4d6);
--_warn-fg:var(--comments-warning-text,#6b4a00);--_radius:var(--comments-radius,8px);
--_font:var(--comments-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
font:16px/1.5 var(--_font)!important;color:var(--_fg)!important;background:var(--_bg)!important;text-align:start!important;
color-scheme:light}
:host([data-theme=dark]){--_accent:var(--comments-accent,#78aeff);--_accent-fg:var(--comments-accent-text,#0d1117);
--_bg:var(--comments-bg,#0d1117);--_fg:var(--comments-text,#e6edf3);--_muted:var(--comments-muted,#9da7b3);
--_border:var(--comments-border,#3d444d);--_surface:var(--comments-surface,#161b22);--_danger:var(--comments-danger,#ff8a80);
--_warn-bg:var(--comments-warning-bg,#3a2e00);--_warn-fg:var(--comments-warning-text,#ffd866);color-scheme:dark}
@media (prefers-color-scheme:dark){:host(:not([data-theme=light])){--_accent:var(--comments-accent,#78aeff);
--_accent-fg:var(--comments-accent-text,#0d1117);--_bg:var(--comments-bg,#0d1117);--_fg:var(--comments-text,#e6edf3);
--_muted:var(--comments-muted,#9da7b3);--_border:var(--comments-border,#3d444d);--_surface:var(--comments-surface,#161b22);
--_danger:var(--comments-danger,#ff8a80);--_warn-bg:var(--comments-warning-bg,#3a2e00);--_warn-fg:var(--comments-warning-text,#ffd866);color-scheme:dark}}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{padding:4px 0}
h2,h3{margin:0 0 12px;line-height:1.25;color:var(--_fg)}
h2{font-size:1.35em}h3{font-size:1.1em;margin-top:8px}
p{margin:0 0 8px}
a{color:var(--_accent)}
button,select,textarea{font:inherit;color:inherit}
button{cursor:pointer;border-radius:var(--_radius);padding:6px 14px;border:1px solid var(--_border);background:var(--_surface);line-height:1.4}
button:disabled{cursor:default;opacity:.6}
.primary{background:var(--_accent);color:var(--_accent-fg);border-color:var(--_accent);font-weight:600}
.link{background:none;border:0;padding:2px 4px;color:var(--_muted);font-size:.875em;text-decoration:underline;text-underline-offset:2px}
.link:hover{color:var(--_accent)}
:focus-visible{outline:3px solid var(--_accent);outline-offset:2px}
.sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.box{border:1px solid var(--_border);border-radius:var(--_radius);padding:16px;margin:0 0 16px;background:var(--_surface)}
.session{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between;margin-bottom:8px;color:var(--_muted);font-size:.9em}
form{margin:0}
label{display:block;font-weight:600;margin-bottom:4px}
textarea{display:block;width:100%;min-height:96px;padding:10px;border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);resize:vertical}
.row{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:flex-end;margin-top:8px}
.counter{margin-inline-end:auto;color:var(--_muted);font-size:.85em}
.counter.over,.error{color:var(--_danger)}
.error{margin:8px 0 0;font-size:.9em}
.error:empty{display:none}
.prompt{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0 0;padding:8px 12px;border-radius:var(--_radius);background:var(--_warn-bg);color:var(--_warn-fg)}
.prompt p{margin:0 auto 0 0}
.muted:not(.shown)>article>:not(.collapsed,.slot){display:none}
.collapsed{font-style:italic}
.mutes{list-style:none;margin:0 0 8px;padding:0}
.mutes li{display:flex;justify-content:space-between;gap:8px;align-items:center;padding:2px 0}
.notify{position:relative;margin-inline-start:auto}
.bell{padding:2px 8px;position:relative;display:inline-flex;align-items:center}
.count{display:inline-block;min-width:1.4em;margin-inline-start:4px;padding:0 5px;border-radius:999px;background:var(--_danger);color:var(--_bg);font-size:.8em;font-weight:700}
.panel{position:absolute;inset-inline-end:0;z-index:2;width:min(24em,90vw);margin-top:4px;padding:12px;border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);color:var(--_fg);box-shadow:0 4px 16px rgb(0 0 0/.15)}
.notes{list-style:none;margin:0 0 8px;padding:0;max-height:20em;overflow:auto}
.notes li{padding:6px 0;border-top:1px solid var(--_border);font-size:.9em}
.notes li.unread{font-weight:700}
.notes q{display:block;font-weight:400;color:var(--_muted)}
.notes time{font-size:.85em;color:var(--_muted)}
.email label{display:inline;margin-inline-end:8px}
.toolbar{display:flex;gap:8px;align-items:center;justify-content:flex-end;margin:0 0 8px;font-size:.9em}
.toolbar label{display:inline;font-weight:400;margin:0;color:var(--_muted)}
select{padding:4px 8px;border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg)}
.new{display:block;width:100%;margin:0 0 12px;background:var(--_accent);color:var(--_accent-fg);border-color:var(--_accent);font-weight:600}
ol{list-style:none;margin:0;padding:0}
.comment{padding:12px 0 0;border-top:1px solid var(--_border)}
.replies .comment{border-top:0;padding-top:8px}
.replies{margin-inline-start:20px;padding-inline-start:12px;border-inline-start:2px solid var(--_border)}
article{outline-offset:4px}
.meta{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;font-size:.875em;color:var(--_muted)}
.author{font-weight:700;color:var(--_fg);font-size:1.07em}
time{cursor:help}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;background:var(--_warn-bg);color:var(--_warn-fg);font-weight:600;font-size:.85em}
.badge.rejected{background:var(--_danger);color:var(--_bg)}
.badge.staff,.badge.verified{background:var(--_surface);color:var(--_fg);border:1px solid var(--_border)}
.badge.pick{background:var(--_accent);color:var(--_accent-fg)}
.edited{font-style:italic}
.react{padding:1px 10px;font-size:.875em;border-radius:999px}
.react[aria-pressed=true]{background:var(--_accent);color:var(--_accent-fg);border-color:var(--_accent)}
.react .n{margin-inline-start:6px;font-weight:600}
.picks{border:2px solid var(--_accent);border-radius:var(--_radius);padding:12px 16px 4px;margin:0 0 16px}
.picks .comment:first-child{border-top:0;padding-top:0}
.note{font-size:.85em;color:var(--_muted);margin:4px 0 0}
.note.rejected{color:var(--_danger)}
.body{margin:4px 0 0;overflow-wrap:anywhere}
.body p{margin:0 0 6px}
.body code{font-family:ui-monospace,monospace;font-size:.9em;background:var(--_surface);padding:0 3px;border-radius:4px}
.pending .body{opacity:.8}
.actions{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:2px 0 4px}
.ro .actions .adds,.ro .actions .react{display:none}
.primary-link{display:inline-block;padding:6px 14px;border-radius:var(--_radius);background:var(--_accent);color:var(--_accent-fg);font-weight:600;text-decoration:none}
.menu{margin:8px 0;padding:12px}
fieldset{border:0;margin:0;padding:0}
legend{font-weight:600;margin-bottom:6px;padding:0}
.menu label{font-weight:400;display:flex;gap:8px;align-items:center;margin:2px 0}
.menu input[type=text]{width:100%;padding:6px;border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);font:inherit;color:inherit}
.more{margin:12px 0}
.status{color:var(--_muted)}
.illegal{display:none}.dsa .illegal{display:inline}
.menu select,.menu input[type=email]{width:100%;padding:6px;border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);font:inherit;color:inherit}
.sor{font-size:.85em;margin:4px 0}.sor dt{font-weight:600}.sor dd{margin:0 0 4px}
`;

/** Adopts the styles as a constructed stylesheet (not subject to the page's style-src CSP), or a <style> where unsupported. */
export function applyStyles(root: ShadowRoot): void {
  if (
    'adoptedStyleSheets' in root &&
    typeof CSSStyleSheet !== 'undefined' &&
    'replaceSync' in CSSStyleSheet.prototype
  ) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = CSS;
  root.append(style);
}
