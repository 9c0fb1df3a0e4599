import { describe, expect, it } from 'vitest';
import { isDeviceTopic } from '../../src/mqtt/realm.ts';

describe('a device\'s own topics', () => {
  const prefixes = ['/', '/sys/'];
  const owner = ['a1BwAGV1234', 'dev1'] as const;

  it('are a prefix, the device\'s two segments, then the end or more levels (wildcards included)', () => {
    for (const topic of ['/a1BwAGV1234/dev1', '/a1BwAGV1234/dev1/user/get', '/sys/a1BwAGV1234/dev1/thing/#', '/sys/a1BwAGV1234/dev1/thing/event/+/post_reply']) {
      expect(isDeviceTopic(topic, prefixes, owner), topic).toBe(true);
    }
  });

  it('never reach another device: a longer name, another product, a wildcard in place of the device, an unlisted prefix', () => {
    for (const topic of ['/a1BwAGV1234/dev10/user/get', '/a1BwAGV1234/dev', '/other12345/dev1/x', '/a1BwAGV1234/+/user/get', '/+/dev1/x', '#', '/#', '/sys/#', '/ext/a1BwAGV1234/dev1', 'a1BwAGV1234/dev1', '//a1BwAGV1234/dev1']) {
      expect(isDeviceTopic(topic, prefixes, owner), topic).toBe(false);
    }
  });
});
