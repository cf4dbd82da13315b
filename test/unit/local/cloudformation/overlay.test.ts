import { describe, expect, it } from '@jest/globals';
import { applyOverlay } from '../../../../local/cloudformation/overlay.ts';
import type { MappedApp } from '../../../../local/cloudformation/map-resources.ts';

const app: MappedApp = {
  config: {
    functions: {
      upload: { handler: 'a/index.mjs#handler', environment: { BI_API_URL: 'https://bi.example.invalid', KEEP: 'x' } },
      notify: { handler: 'b/index.mjs#handler', environment: { EMAIL_FROM: 'a@example.com' } },
    },
    secrets: [{ name: 'etl-BiApiKey322D3DA1-29939E3A5833' }],
  },
  files: [],
  copies: [],
  outputs: {},
  resources: [{ stack: 'etl', logicalId: 'BiApiKey322D3DA1', type: 'AWS::SecretsManager::Secret', outcome: { kind: 'run', localName: 'etl-BiApiKey322D3DA1-29939E3A5833' } }],
};

describe('applyOverlay', () => {
  it('sets a variable only on the functions that already have it', () => {
    // Act
    const { config, unmatched } = applyOverlay(app, { environment: { BI_API_URL: '{{bi}}' } });
    // Assess
    expect(config.functions?.upload.environment).toEqual({ BI_API_URL: '{{bi}}', KEEP: 'x' });
    expect(config.functions?.notify.environment).toEqual({ EMAIL_FROM: 'a@example.com' });
    expect(unmatched).toEqual([]);
    expect(app.config.functions?.upload.environment?.BI_API_URL).toBe('https://bi.example.invalid');
  });

  it.each([['its construct id', 'BiApiKey'], ['its logical id', 'BiApiKey322D3DA1'], ['its local name', 'etl-BiApiKey322D3DA1-29939E3A5833']])(
    'gives a secret its value by %s',
    (_, key) => {
      // Act
      const { secretValues } = applyOverlay(app, { secrets: { [key]: 'local-key' } });
      // Assess
      expect(secretValues).toEqual({ 'etl-BiApiKey322D3DA1-29939E3A5833': 'local-key' });
    },
  );

  it('reports what matches nothing in the app, so a renamed variable does not silently reach the deployed service', () => {
    // Act
    const { unmatched } = applyOverlay(app, { environment: { BI_BASE_URL: '{{bi}}' }, secrets: { Webhook: 's' } });
    // Assess
    expect(unmatched).toEqual(['environment BI_BASE_URL: no function of the app has it', 'secret Webhook: the app has no such secret (it has BiApiKey)']);
  });
});
