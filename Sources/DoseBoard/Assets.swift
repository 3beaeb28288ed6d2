import Foundation

/// The board's only stylesheet and script, served from memory at `/static/…`: no external
/// assets (ward networks are often offline) and nothing inline (the Content-Security-Policy is
/// `default-src 'self'`).
///
/// Colours are the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008,
/// https://jfly.uni-koeln.de/color/), distinguishable with the common colour-vision
/// deficiencies; every state also has its word, its symbol and, for the states that need
/// attention, a pattern, so colour never carries a meaning alone. While monitoring is lost the
/// stylesheet itself turns every "safe" colour grey, also when the script marked the page lost
/// because the board stopped answering. And without any script at all (it failed to load, or
/// stopped), the stylesheet shows "THIS SCREEN IS NOT UPDATING" and greys the page once the
/// live part has not been renewed for 20 s: a new `#live` (an update, a reload every 10 s
/// without JavaScript) or a heartbeat (the script flips `data-beat`, which restarts the CSS
/// animations) holds it off.
enum Assets {
  static let css = """
    :root{--safe:#009E73;--occupied:#0072B2;--caution:#E69F00;--fault:#D55E00;--info:#56B4E9;\
    --alarm:#D55E00;--warn:#E69F00;--unknown:#6b6b6b;--ink:#111;--paper:#fff;--muted:#555}
    *{box-sizing:border-box}
    body{margin:0;padding:12px 16px;font:16px/1.35 "DejaVu Sans",system-ui,sans-serif;color:var(--ink);background:#f2f2f2}
    a{color:#004f7c}
    h1{font-size:1.6rem;margin:0 12px 0 0}
    h2{font-size:1.25rem;margin:0}
    .top{display:flex;flex-wrap:wrap;align-items:baseline;gap:8px;margin-bottom:8px}
    .monitor{margin:0;font-size:1rem}
    .monitor-live .icon{color:var(--occupied)}
    .unmonitored{background:var(--fault);color:#fff;font-size:1.5rem;padding:14px 18px;margin:0 0 12px;\
    border:6px solid #000;background-image:repeating-linear-gradient(45deg,rgba(0,0,0,.18) 0 14px,transparent 14px 28px)}
    .unmonitored .why{display:block;font-size:1rem;margin-top:4px}
    .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}
    .tile{background:var(--paper);border:2px solid #999;border-left-width:18px;padding:10px 14px;position:relative}
    .tile header{display:flex;justify-content:space-between;align-items:baseline}
    .kind{color:var(--muted)}
    .state{font-size:1.5rem;font-weight:bold;margin:6px 0;padding:4px 8px;display:inline-block;color:#fff}
    .state .icon{display:inline-block;width:1.4em;text-align:center}
    .rate{font-size:1.25rem;margin:4px 0}.rate .value{font-weight:bold;font-size:1.5rem}.ci{color:var(--muted)}
    .s-safe{border-left-color:var(--safe)}.s-safe .state{background:var(--safe)}
    .s-occupied{border-left-color:var(--occupied)}.s-occupied .state{background:var(--occupied)}
    .s-caution{border-left-color:var(--caution)}.s-caution .state{background:var(--caution);color:#000;\
    background-image:repeating-linear-gradient(135deg,rgba(0,0,0,.12) 0 6px,transparent 6px 12px)}
    .s-fault{border-left-color:var(--fault)}.s-fault .state{background:var(--fault);\
    background-image:repeating-linear-gradient(45deg,rgba(0,0,0,.25) 0 6px,transparent 6px 12px)}
    .s-other,.s-unknown{border-left-color:var(--unknown)}.s-other .state,.s-unknown .state{background:var(--unknown);\
    background-image:repeating-linear-gradient(45deg,rgba(255,255,255,.18) 0 4px,transparent 4px 8px),\
    repeating-linear-gradient(-45deg,rgba(255,255,255,.18) 0 4px,transparent 4px 8px)}
    .a-alarm.tile{border-color:var(--alarm);border-width:6px 6px 6px 18px}
    .a-warn.tile{border-color:var(--warn);border-width:4px 4px 4px 18px;border-style:dashed}
    .alarms{list-style:none;padding:0;margin:6px 0}
    .alarm{padding:6px 8px;margin:4px 0;border:3px solid #000}
    .alarm.a-alarm{background:var(--alarm);color:#fff;\
    background-image:repeating-linear-gradient(45deg,rgba(0,0,0,.2) 0 8px,transparent 8px 16px)}
    .alarm.a-warn{background:var(--warn);color:#000;border-style:dashed}
    .alarm .ack{display:block;font-size:.9rem}
    .last-known{color:var(--muted);font-style:italic}
    .state .last-known{color:#fff;font-weight:normal}
    .reasons{margin:4px 0;padding-left:18px;color:#333}
    .facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:6px 0}
    .facts dt{font-weight:bold}.facts dd{margin:0}
    table{border-collapse:collapse;width:100%;background:var(--paper)}
    th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
    caption{text-align:left;font-weight:bold}
    .packages{margin:6px 0;font-size:.9rem}
    .trend{display:flex;align-items:center;gap:8px;margin:6px 0}
    .trend figcaption{font-size:.8rem;color:var(--muted)}
    .trend-none{color:var(--muted)}
    svg .line{fill:none;stroke:var(--occupied);stroke-width:2}
    svg .plot{fill:#fff;stroke:#999}svg .grid{stroke:#ddd}svg .tick{font-size:13px;fill:#333}
    svg .c1,.legend .c1::before{stroke:var(--caution);background:var(--caution)}
    svg .c2,.legend .c2::before{stroke:var(--fault);background:var(--fault)}
    svg .c3,.legend .c3::before{stroke:var(--info);background:var(--info)}
    svg .c4,.legend .c4::before{stroke:#CC79A7;background:#CC79A7}
    svg .c5,.legend .c5::before{stroke:#000;background:#000}
    .legend{list-style:none;padding:0;display:flex;gap:16px}
    .legend li::before{content:"";display:inline-block;width:24px;height:4px;margin-right:6px;vertical-align:middle;background:var(--occupied)}
    .chart{width:100%;max-width:1100px;height:auto;background:#fff}
    .windows a{margin-right:8px}.windows a[aria-current]{font-weight:bold}
    .detectors{margin-top:16px}.detectors td .icon{display:inline-block;width:1.2em}
    .detectors tr.s-safe td:nth-child(2){background:var(--safe);color:#fff}
    .detectors tr.s-caution td:nth-child(2){background:var(--caution)}
    .detectors tr.s-fault td:nth-child(2){background:var(--fault);color:#fff}
    .detectors tr.s-unknown td:nth-child(2),.detectors tr.s-other td:nth-child(2){background:var(--unknown);color:#fff}
    footer{margin-top:16px;color:var(--muted);font-size:.9rem}
    .page-door{font-size:24px}
    .page-door .door{display:block;padding:20px 28px}
    .page-door .state{font-size:4rem}.page-door .rate{font-size:2.4rem}.page-door .rate .value{font-size:3.2rem}
    .page-door .visitors{background:#fff;border:3px solid #000;padding:10px 20px;margin-top:14px}
    .page-door .visitors li{font-size:2rem;margin:6px 0}
    .page-door .unmonitored{font-size:2.2rem}
    html[data-monitoring="lost"] .s-safe .state,html[data-monitoring="lost"] .state{background:var(--unknown);color:#fff}
    html[data-monitoring="lost"] .tile,html[data-monitoring="lost"] .s-safe{border-left-color:var(--unknown)}
    html[data-monitoring="lost"] .detectors td:nth-child(2){background:var(--unknown);color:#fff}
    html[data-monitoring="lost"] .monitor-live{display:none}
    html[data-monitoring="lost"] svg .line{stroke:var(--unknown)}
    .board-lost{display:none}
    html[data-board="lost"] .board-lost{display:block}
    html[data-board="lost"] .rate,html[data-board="lost"] .facts{color:var(--muted);font-style:italic}
    html[data-board="lost"] .rate::before{content:"Last known, not current: "}
    .stalled{visibility:hidden;position:fixed;left:0;right:0;top:0;z-index:10;margin:0;\
    background:var(--fault);color:#fff;font-size:1.5rem;padding:14px 18px;border:6px solid #000;\
    animation:stall-a 1ms 20s forwards}
    #live .tiles,#live .detectors,#live .door{animation:grey-a 1ms 20s forwards}
    html[data-beat="b"] .stalled{animation-name:stall-b}
    html[data-beat="b"] #live .tiles,html[data-beat="b"] #live .detectors,html[data-beat="b"] #live .door{animation-name:grey-b}
    @keyframes stall-a{to{visibility:visible}}@keyframes stall-b{to{visibility:visible}}
    @keyframes grey-a{to{filter:grayscale(1)}}@keyframes grey-b{to{filter:grayscale(1)}}
    @media (max-width:700px){.tiles{grid-template-columns:1fr}}

    """

  static let js = """
    // dosed-board: replaces #live with each server-sent update. If no update (or heartbeat)
    // comes for 5 s the board itself is out of reach: the page then marks itself lost, so a
    // frozen page can never look current. Without JavaScript the page refreshes itself.
    (function () {
      'use strict';
      var root = document.documentElement;
      var body = document.body;
      var live = document.getElementById('live');
      var reload = body && body.getAttribute('data-reload');
      if (reload) { setTimeout(function () { location.reload(); }, Number(reload) * 1000); }
      var channel = body && body.getAttribute('data-channel');
      if (!live || !channel || !window.EventSource) { return; }
      var lastHeard = Date.now();
      // The stylesheet's own watchdog (see board.css: .stalled) restarts on every beat.
      function beat() {
        lastHeard = Date.now();
        root.setAttribute('data-beat', root.getAttribute('data-beat') === 'b' ? 'a' : 'b');
      }
      var source = new EventSource('/events/' + channel);
      source.addEventListener('page', function (event) {
        var data = event.data;
        var newline = data.indexOf('\\n');
        root.setAttribute('data-monitoring', data.slice(0, newline));
        root.removeAttribute('data-board');
        live.innerHTML = data.slice(newline + 1);
        beat();
      });
      source.addEventListener('ping', beat);
      // A stream the browser gave up on (the board answered 404 or 503 after a restart, a
      // proxy's 502) is never retried by EventSource itself: reload the page after a while.
      source.addEventListener('error', function () {
        if (source.readyState === EventSource.CLOSED) {
          setTimeout(function () { location.reload(); }, 10000);
        }
      });
      function boardLost() {
        if (root.getAttribute('data-board') === 'lost') { return; }
        root.setAttribute('data-board', 'lost');
        root.setAttribute('data-monitoring', 'lost');
        var marked = live.querySelectorAll('[data-state]');
        for (var i = 0; i < marked.length; i++) {
          var state = marked[i].getAttribute('data-state');
          if (state !== 'unknown') {
            marked[i].setAttribute('data-last-state', state);
            marked[i].setAttribute('data-state', 'unknown');
          }
        }
        // The words too, not only the colours: "✓ Clear" must not read as current.
        var words = live.querySelectorAll('.state');
        for (var j = 0; j < words.length; j++) {
          words[j].textContent = '? Unknown (last known: ' + words[j].textContent.trim() + ')';
        }
        var banner = document.createElement('div');
        banner.className = 'unmonitored';
        banner.setAttribute('role', 'alert');
        var at = new Date(lastHeard).toLocaleTimeString();
        banner.textContent = '\\u26A0 WARD UNMONITORED since ' + at +
          ': this screen has lost contact with the ward board; nothing on it is current.';
        live.insertBefore(banner, live.firstChild);
      }
      setInterval(function () { if (Date.now() - lastHeard > 5000) { boardLost(); } }, 1000);
    })();

    """
}
