/**
 * E-mails a report-etl outcome, or that nightly-export's export is ready.
 *
 * Idempotency: SES has no idempotency key, so this function sends one e-mail per call; the Middy
 * wiring (index.ts) puts it behind the idempotency layer (shared/idempotency.ts), so a repeated
 * call with the same `idempotencyKey` (a duplicated invocation, a redrive) answers the first
 * messageId without sending. What remains: a call that failed after SES accepted the e-mail is
 * retried and sends again. The message is a pure function of the input — same subject, same text
 * — so such a duplicate is recognisable; the workflow keeps notify out of Retry on anything but
 * throttling to make it rare.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { requiredEnv } from '../shared/input.ts';
import { NotifyOutcome, type NotifyInput, type NotifyOutput, type ReportRef } from './schema.ts';

export interface NotifyDependencies {
  ses: SESv2Client;
  from: string;
  to: string[];
  release?(): void;
}

export interface Message {
  subject: string;
  text: string;
}

function reportName(report: ReportRef): string {
  if (typeof report === 'string') return report;
  return `s3://${report.bucket}/${report.key}${report.versionId ? ` (version ${report.versionId})` : ''}`;
}

/** Subject and text for each outcome; an exhaustive table so a new outcome cannot go unworded. */
const compose: { [K in NotifyOutcome]: (input: NotifyInput, report: string) => Message } = {
  [NotifyOutcome.Succeeded]: (input, report) => ({
    subject: `Report loaded: ${report}`,
    text: `The report ${report} was loaded into the BI service${input.jobId ? ` by ETL job ${input.jobId}` : ''}.`,
  }),
  [NotifyOutcome.JobFailed]: (input, report) => ({
    subject: `Report ETL failed: ${report}`,
    text: `The ETL job${input.jobId ? ` ${input.jobId}` : ''} for ${report} failed: ${input.error ?? 'no error given'}.`,
  }),
  [NotifyOutcome.DeadlinePassed]: (input, report) => ({
    subject: `Report ETL overdue: ${report}`,
    text: `The ETL job${input.jobId ? ` ${input.jobId}` : ''} for ${report} did not finish before its deadline; the workflow stopped waiting.${input.error ? ` Last error: ${input.error}.` : ''}`,
  }),
  [NotifyOutcome.UploadFailed]: (input, report) => ({
    subject: `Report upload failed: ${report}`,
    text: `The BI service could not process the upload of ${report}: ${input.error ?? 'no error given'}.`,
  }),
  [NotifyOutcome.Exported]: (input, report) => ({
    subject: `Nightly export ready: ${report}`,
    text: `The nightly export ${report} is ready${input.summary ? `: ${input.summary}` : ''}.`,
  }),
};

/** The e-mail for an outcome. */
export function composeMessage(input: NotifyInput): Message {
  return compose[input.outcome](input, reportName(input.report));
}

/**
 * Sends the outcome e-mail with SESv2 SendEmail.
 *
 * @example
 * await notify({ outcome: 'SUCCEEDED', report: { bucket: 'reports', key: 'q3.csv' }, jobId: 'job-1' }, deps);
 * // { messageId: '...' }
 */
export async function notify(input: NotifyInput, deps: NotifyDependencies): Promise<NotifyOutput> {
  const message = composeMessage(input);
  const answer = await deps.ses.send(new SendEmailCommand({
    FromEmailAddress: deps.from,
    Destination: { ToAddresses: deps.to },
    Content: { Simple: { Subject: { Data: message.subject, Charset: 'UTF-8' }, Body: { Text: { Data: message.text, Charset: 'UTF-8' } } } },
  }));
  return { messageId: answer.MessageId ?? '' };
}

/** Dependencies from the environment: EMAIL_FROM, EMAIL_TO (comma-separated). */
export function notifyDependencies(env: Record<string, string | undefined>): NotifyDependencies {
  const from = requiredEnv(env, 'EMAIL_FROM');
  const to = requiredEnv(env, 'EMAIL_TO').split(',').map((a) => a.trim()).filter(Boolean);
  const ses = new SESv2Client({});
  return { ses, from, to, release: () => ses.destroy() };
}
