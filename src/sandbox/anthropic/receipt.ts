import { formatMinorUnits } from './money.ts';
import type { PaymentDetails } from './payment-details.ts';

/** Whether a request holds enough of a payment to write a receipt about. */
export function hasPayment(details: PaymentDetails): boolean {
  return details.paymentIntent !== undefined || details.amount !== undefined;
}

/** A short, deterministic receipt email naming every payment detail it was given. */
export function composeReceipt(details: PaymentDetails): string {
  const amount = details.amount !== undefined ? formatMinorUnits(details.amount, details.currency ?? 'usd') : undefined;
  const lines = [
    `Subject: Your payment receipt${amount ? ` for ${amount}` : ''}`,
    '',
    details.name ? `Hello ${details.name},` : 'Hello,',
    '',
    'Thank you for your payment. Here are the details for your records:',
    '',
    ...detailLines(details, amount),
    '',
    details.paymentIntent
      ? `If you have any questions, reply to this email and mention payment ${details.paymentIntent}.`
      : 'If you have any questions, reply to this email.',
    '',
    'Best regards,',
    'The Payments Team',
  ];
  return lines.join('\n');
}

function detailLines(details: PaymentDetails, amount: string | undefined): string[] {
  const rows: Array<[string, string | undefined]> = [
    ['Amount', amount],
    ['Payment ID', details.paymentIntent],
    ['Customer', details.customer],
    ['Email', details.email],
    ['Status', details.status],
  ];
  return rows.filter(([, value]) => value !== undefined).map(([label, value]) => `- ${label}: ${value}`);
}
