import { validateHeaderValue } from 'node:http';
import { describe, expect, it } from 'vitest';
import { alertAnnotations, alertLabels } from '../../src/deliver/alert/alertLabels.js';
import { alertmanagerAlerts } from '../../src/deliver/alert/alertmanagerAlerts.js';
import { cutBytes, cutText } from '../../src/deliver/alert/alertText.js';
import { fingerprint } from '../../src/deliver/alert/fingerprint.js';
import { webhookAlertmanager } from '../../src/deliver/alert/webhookAlertmanager.js';
import { DISCORD_CONTENT_MAX, webhookDiscord } from '../../src/deliver/alert/webhookDiscord.js';
import { NTFY_BODY_MAX, webhookNtfy } from '../../src/deliver/alert/webhookNtfy.js';
import { SLACK_TEXT_MAX, webhookSlack } from '../../src/deliver/alert/webhookSlack.js';
import { TELEGRAM_TEXT_MAX, telegramTarget, webhookTelegram } from '../../src/deliver/alert/webhookTelegram.js';
import { firing, resolved } from '../support/alertNotices.js';

const NOW = Date.UTC(2026, 11, 6, 13, 0, 0);
const context = { now: NOW };
const json = (body: string): any => JSON.parse(body);
const HOSTILE = 'x@everyone <!channel> **bold** [link](http://evil) `code`\nsecond line';
const HUGE = 'n'.repeat(50_000);

describe('alert labels and annotations', () => {
  it('names the rule, severity, host and the container by its tags, Compose included', () => {
    const notice = firing('web-1', {
      container: {
        id: 'a'.repeat(64),
        name: 'web-1',
        image: 'nginx:1.27',
        labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      },
    });
    expect(alertLabels(notice)).toEqual({
      alertname: 'hot',
      severity: 'warning',
      host: 'bed',
      compose_project: 'shop',
      compose_service: 'web',
      container_id: 'a'.repeat(64),
      container_name: 'web-1',
      image: 'nginx:1.27',
    });
  });

  it('makes every name valid; a tag never replaces alertname; empty values are left out', () => {
    const tagsOf = () => ({ 'com.example/team': 'ops', '9lives': 'cat', alertname: 'spoof', empty: '' });
    const labels = alertLabels(firing('web-1'), tagsOf);
    expect(labels).toEqual({
      alertname: 'hot',
      severity: 'warning',
      host: 'bed',
      com_example_team: 'ops',
      _9lives: 'cat',
    });
    for (const name of Object.keys(labels)) expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
  });

  it('annotations: summary and description on one line each, and the value', () => {
    const annotations = alertAnnotations(firing('evil\nname', { summary: 'a\r\nb' }));
    expect(annotations).toMatchObject({ summary: 'a b', value: '93.5' });
    expect(annotations.description).toContain('container evil name (image nginx:1.27');
    expect(Object.values(annotations).join('')).not.toMatch(/[\r\n]/);
  });
});

describe('Alertmanager v2 API body', () => {
  it('firing: no endsAt (Alertmanager keeps it for resolve_timeout); resolved: endsAt = the resolve time', () => {
    const start = firing('web-1');
    const [on, off] = json(
      alertmanagerAlerts([start, resolved(start, NOW)], { ...context, generatorURL: 'http://bed:9273/metrics' }).body,
    );
    expect(on).toEqual({
      labels: expect.objectContaining({ alertname: 'hot', container_name: 'web-1' }),
      annotations: expect.objectContaining({ summary: start.summary }),
      startsAt: '2026-12-06T12:00:00.000Z',
      generatorURL: 'http://bed:9273/metrics',
    });
    expect(off.endsAt).toBe('2026-12-06T13:00:00.000Z');
    expect(json(alertmanagerAlerts([{ ...resolved(start), endsAt: undefined }], context).body)[0].endsAt).toBe(
      '2026-12-06T13:00:00.000Z',
    );
  });
});

describe('webhook format: alertmanager (its webhook receiver body, version 4)', () => {
  it('is the body Alertmanager would send: group, common labels, zero endsAt while firing, fingerprints', () => {
    const a = firing('web-1');
    const body = json(webhookAlertmanager([a, resolved(firing('web-2'))], { ...context, receiver: 'ops' }).body);
    expect(body).toMatchObject({
      version: '4',
      groupKey: '{}:{alertname="hot"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'ops',
      groupLabels: { alertname: 'hot' },
      commonLabels: { alertname: 'hot', severity: 'warning', host: 'bed', image: 'nginx:1.27' },
      externalURL: '',
    });
    expect(body.alerts.map((x: any) => [x.status, x.endsAt])).toEqual([
      ['firing', '0001-01-01T00:00:00Z'],
      ['resolved', '2026-12-06T12:01:00.000Z'],
    ]);
    expect(body.alerts[0].fingerprint).toBe(fingerprint(alertLabels(a)));
    expect(body.alerts[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('resolved when every alert of it is; grouped by nothing when rules differ', () => {
    const body = json(
      webhookAlertmanager([resolved(firing('a')), resolved(firing('b', { rule: 'oom' }))], context).body,
    );
    expect([body.status, body.groupKey, body.groupLabels]).toEqual(['resolved', '{}:{}', {}]);
  });

  it('fingerprint: FNV-1a 64 as Prometheus computes it (the empty set is the offset basis)', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
    expect(fingerprint({ a: '1', b: '2' })).toBe(fingerprint({ b: '2', a: '1' }));
  });
});

describe('webhook format: slack', () => {
  it('escapes its control characters: no mention, no link from a name; one line per notice', () => {
    const { text } = json(webhookSlack([firing(HOSTILE), resolved(firing('b'))]).body);
    expect(text).not.toMatch(/<!channel>|<http/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text.split('\n')).toHaveLength(2);
    expect(text.split('\n')[0]).toMatch(/^\[FIRING\] hot on x@everyone/);
  });

  it('cuts a huge text to 40,000 characters, marked', () => {
    const { text } = json(webhookSlack([firing(HUGE)]).body);
    expect(text).toHaveLength(SLACK_TEXT_MAX);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('webhook format: discord', () => {
  it('parses no mention at all and escapes markdown', () => {
    const body = json(webhookDiscord([firing(HOSTILE)]).body);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toContain('\\@everyone');
    expect(body.content).toContain('\\*\\*bold\\*\\*');
    expect(body.content).toContain('\\[link\\]\\(http\\://evil\\)');
    expect(body.content).not.toContain('\n');
  });

  it('cuts content to 2000 characters without splitting an emoji', () => {
    const content = json(webhookDiscord([firing('😀'.repeat(3000))]).body).content as string;
    expect(content.length).toBeLessThanOrEqual(DISCORD_CONTENT_MAX);
    expect(content).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('webhook format: ntfy', () => {
  it('plain text body; Title, Priority and Tags headers Node accepts, non-Latin-1 as RFC 2047', () => {
    const request = webhookNtfy([firing('веб-1 😀\nX-Injected: 1', { severity: 'critical' })]);
    for (const [name, value] of Object.entries(request.headers))
      expect(() => validateHeaderValue(name, value)).not.toThrow();
    const title = request.headers.title!;
    const encoded = /^=\?UTF-8\?B\?(.*)\?=$/.exec(title);
    expect(Buffer.from(encoded![1]!, 'base64').toString()).toBe('[FIRING] hot on веб-1 😀 X-Injected: 1');
    expect([request.headers.priority, request.headers.tags]).toEqual(['5', 'rotating_light']);
    expect(request.body).toMatch(/^\[FIRING\] hot on веб-1/);
  });

  it('ASCII titles stay as they are; a batch is counted; resolved is default priority', () => {
    const request = webhookNtfy([resolved(firing('a', { severity: 'critical' })), resolved(firing('b'))]);
    expect(request.headers).toMatchObject({
      title: '0 alerts firing, 2 resolved',
      priority: '3',
      tags: 'white_check_mark',
    });
  });

  it('cuts the body to 4096 bytes, between code points', () => {
    const { body } = webhookNtfy([firing('é'.repeat(5000))]);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(NTFY_BODY_MAX);
    expect(Buffer.byteLength(body)).toBeGreaterThan(NTFY_BODY_MAX - 4);
    expect(body).not.toContain('\uFFFD');
  });
});

describe('webhook format: telegram', () => {
  it('reads the chat from the URL and posts to sendMessage without it', () => {
    expect(telegramTarget('https://api.telegram.org/bot123:ABC/sendMessage?chat_id=-100200')).toEqual({
      url: 'https://api.telegram.org/bot123:ABC/sendMessage',
      chatId: '-100200',
    });
    expect(telegramTarget('https://api.telegram.org/bot123:ABC?chat_id=42').url).toBe(
      'https://api.telegram.org/bot123:ABC/sendMessage',
    );
    expect(telegramTarget('https://api.telegram.org/bot123:ABC?chat_id=42', '@ops').chatId).toBe('@ops');
    expect(() => telegramTarget('https://api.telegram.org/bot123:ABC/sendMessage')).toThrow(/chat_id/);
  });

  it('plain text (no parse_mode), cut to 4096 characters', () => {
    const body = json(webhookTelegram([firing(HUGE)], { ...context, chatId: '42' }).body);
    expect(Object.keys(body).sort()).toEqual(['chat_id', 'text']);
    expect(body.chat_id).toBe('42');
    expect(body.text).toHaveLength(TELEGRAM_TEXT_MAX);
  });
});

describe('cutting text', () => {
  it('keeps within the limit and never leaves half a surrogate pair', () => {
    expect(cutText('abc', 3)).toBe('abc');
    expect(cutText('abcd', 3)).toBe('ab…');
    expect(cutText('a😀b', 3)).toBe('a…');
    expect(cutBytes('aéé', 4)).toBe('a…');
  });
});
