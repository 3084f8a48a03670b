import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderBody } from '#api/comments/render.js';

describe('renderBody', () => {
  it('when the body has HTML, then it is escaped', () => {
    const html = renderBody('<b onclick="x()">hi</b> & "quotes"');
    assert.ok(!html.includes('<b'));
    assert.match(html, /&lt;b onclick=&quot;x\(\)&quot;&gt;hi&lt;\/b&gt; &amp; &quot;quotes&quot;/);
  });
  it('when the body has a bare URL or a Markdown link, then it is a safe link', () => {
    assert.equal(
      renderBody('see https://example.com/x'),
      '<p>see <a href="https://example.com/x" rel="nofollow ugc noopener" target="_blank">https://example.com/x</a></p>',
    );
    assert.match(
      renderBody('[site](http://example.com)'),
      /<a href="http:\/\/example.com" rel="nofollow ugc noopener" target="_blank">site<\/a>/,
    );
  });
  it('when a link uses javascript:, data: or vbscript:, then no link is made', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>x</script>',
      'vbscript:x',
    ]) {
      const html = renderBody(`[x](${url})`);
      assert.ok(!/<a /.test(html), html);
    }
  });
  it('when the body has emphasis and line breaks, then they render; headings and images do not', () => {
    assert.equal(renderBody('*a* **b**\nc'), '<p><em>a</em> <strong>b</strong><br>\nc</p>');
    assert.ok(!renderBody('# h\n![i](http://x/i.png)').includes('<h1'));
    assert.ok(!renderBody('![i](http://x/i.png)').includes('<img'));
  });
});
