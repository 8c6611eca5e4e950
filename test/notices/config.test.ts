/** The notice settings in the environment: defaults for a developer's machine, a bad value named. */
import { describe, expect, it } from 'vitest';
import { domainOf } from '../../activities/mailer.js';
import { loadConfig } from '../../config/index.js';

describe('notice configuration', () => {
  it('defaults to the development inbox that npm start runs', () => {
    const config = loadConfig({});
    expect(config.SMTP_URL).toBe('smtp://127.0.0.1:1025');
    expect(domainOf(config.MAIL_FROM)).toBe('lap.example');
  });

  it('takes smtps:// with credentials and a named sender', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://notices:secret@mail.agency.example:465',
      MAIL_FROM: '"DAS notices" <notices@das.example>',
    });
    expect(config.SMTP_URL).toBe('smtps://notices:secret@mail.agency.example:465');
    expect(domainOf(config.MAIL_FROM)).toBe('das.example');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://127.0.0.1:1025' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ MAIL_FROM: 'notices' })).toThrow(/MAIL_FROM/);
  });
});
