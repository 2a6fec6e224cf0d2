/// The tiny web page at `/_emulator/` that shows a stream's messages live (through the SSE endpoint).
enum LiveFeedPage {
    static let html = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Sync emulator</title>
        <style>body{font:14px system-ui;margin:1.5em}pre{background:#f4f4f4;padding:.4em;margin:.2em 0}
        #log{max-height:80vh;overflow:auto}</style></head>
        <body><h1>Sync emulator: live feed</h1>
        <form id="f">Stream (SID or unique name, empty for all): <input id="s"> <button>Watch</button></form>
        <p id="status">not connected</p><div id="log"></div>
        <script>
        let source;
        document.getElementById('f').onsubmit = (e) => {
          e.preventDefault();
          if (source) source.close();
          const s = document.getElementById('s').value.trim();
          const url = s ? '/_emulator/streams/' + encodeURIComponent(s) + '/events' : '/_emulator/events';
          source = new EventSource(url);
          document.getElementById('status').textContent = 'watching ' + (s || 'all streams');
          source.addEventListener('message', (event) => {
            const m = JSON.parse(event.data);
            const pre = document.createElement('pre');
            pre.textContent = m.arrived_at + ' ' + (m.unique_name || m.stream_sid) + ' #' + m.sequence + ' ' + JSON.stringify(m.data);
            const log = document.getElementById('log');
            log.prepend(pre);
            while (log.childElementCount > 500) log.lastElementChild.remove();
          });
        };
        </script></body></html>
        """
}
