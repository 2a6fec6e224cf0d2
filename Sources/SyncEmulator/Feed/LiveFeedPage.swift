/// The tiny web page at `/_emulator/` that shows a stream's messages live (through the SSE endpoint) and, beside
/// them, the Documents and Maps (polling `/_emulator/objects` every second).
enum LiveFeedPage {
    static let html = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Sync emulator</title>
        <style>body{font:14px system-ui;margin:1.5em}pre{background:#f4f4f4;padding:.4em;margin:.2em 0}
        #log{max-height:80vh;overflow:auto}#cols{display:flex;gap:2em}#cols>div{flex:1;min-width:0}
        #objects{max-height:80vh;overflow:auto}h2{font-size:1.1em}</style></head>
        <body><h1>Sync emulator: live feed</h1>
        <div id="cols"><div>
        <h2>Streams</h2>
        <form id="f">Stream (SID or unique name, empty for all): <input id="s"> <button>Watch</button></form>
        <p id="status">not connected</p><div id="log"></div>
        </div><div>
        <h2>Documents and Maps</h2><div id="objects">loading</div>
        </div></div>
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
        function line(text) {
          const pre = document.createElement('pre');
          pre.textContent = text;
          return pre;
        }
        async function showObjects() {
          try {
            const o = await (await fetch('/_emulator/objects')).json();
            const box = document.getElementById('objects');
            box.replaceChildren();
            box.append(line(o.document_count + ' documents, ' + o.map_count + ' maps'));
            for (const d of o.documents) {
              box.append(line('document ' + (d.unique_name || d.sid) + ' rev ' + d.revision + ' ' + d.date_updated + ' ' + JSON.stringify(d.data)));
            }
            for (const m of o.maps) {
              box.append(line('map ' + (m.unique_name || m.sid) + ' rev ' + m.revision + ', ' + m.item_count + ' items'));
              for (const i of m.latest_items) {
                box.append(line('  ' + i.key + ' rev ' + i.revision + ' ' + i.date_updated + ' ' + JSON.stringify(i.data)));
              }
            }
          } catch (error) {
            document.getElementById('objects').textContent = 'not reachable';
          }
        }
        showObjects();
        setInterval(showObjects, 1000);
        </script></body></html>
        """
}
