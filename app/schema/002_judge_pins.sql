-- Short PINs: the fallback for a judge who cannot open the link or scan the QR code. A PIN only
-- works together with the judge's number, and failed attempts are rate-limited with a lockout.
ALTER TABLE judge_tokens ADD COLUMN pin TEXT;
