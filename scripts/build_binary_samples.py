"""Build the binary sample documents (.docx, .pdf, .parquet) in data/samples/.

The texts live here so they can be reviewed like the text samples; the
generated files are committed, so the demo needs none of these libraries.

    pip install -e ".[test]" && python scripts/build_binary_samples.py
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import docx
import pyarrow as pa
import pyarrow.parquet as pq
from fpdf import FPDF

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
FIXED_TIME = datetime(2026, 3, 1, tzinfo=timezone.utc)

LETTERS = {
    "billing/statement-letter.docx": """Northwind Apparel Ltd
Billing Department

5 March 2026

Re: Your pay-later statement, account NW-B-20871

Dear Mr Haddad,

Please find below a summary of your pay-later account for February 2026.

Your next payment of $45.00 will be collected on 15 March 2026 from the card ending 4417. No action is needed from you.

If you would like to change the payment date or the card, you can do so at any time from your account page.

Kind regards,
Northwind Billing""",
    "collections/final-notice.docx": """Northwind Apparel Ltd - Credit Control

6 April 2026

Re: FINAL NOTICE - Account NW-C-10877

Mr Walsh,

Despite repeated reminders you have failed to settle your account. Your failure to pay has left us no choice.

Unless the full balance of $112.50 is received within 7 days of the date of this letter, your account will be passed to Carter Debt Recovery without further warning, and this may affect your credit rating.

This is your final warning.

Credit Control
Northwind Apparel Ltd""",
    "agency/final-warning.docx": """CARTER DEBT RECOVERY

8 April 2026

Re: FINAL WARNING - reference CDR-55107 (Northwind Apparel)

Mr Walsh,

You have ignored every attempt to contact you. People like you think they can order clothes, keep them and never pay.

If the balance of $137.50 is not paid within 48 hours we will start court proceedings, register a default against your name and inform your employer.

Do not waste our time with excuses.

Carter Debt Recovery""",
    "sales/welcome-letter.docx": """Northwind Apparel Ltd

2 March 2026

Re: Welcome to Northwind Business

Dear Ms Achebe,

Thank you for opening a business account with us, we are delighted to have you.

I will be your account manager. If you need anything, from a quick question about sizing to a quote for your whole team, just call me on my direct line and I will be glad to help.

We look forward to working with you.

Best regards,
Dana Kim
Business Accounts, Northwind Apparel""",
}

PDF_LETTERS = {
    "billing/late-fee-notice.pdf": """Northwind Apparel Ltd - Billing

12 March 2026

Re: Late payment fee on invoice INV-20391

Dear Ms Novak,

Invoice INV-20391 for $64.00 was paid on 10 March 2026, four days after its due date. In line with the terms of your pay-later agreement, a late payment fee of $5.00 has been added to your next statement.

If the delay was caused by a problem on our side, for example a failed card payment that we did not tell you about, reply to this letter and we will remove the fee.

Regards,
Northwind Billing""",
    "collections/final-demand.pdf": """Northwind Apparel Ltd - Credit Control

1 April 2026

Re: FINAL DEMAND - Account NW-C-10482

Mr Price,

You have failed to respond to our letters of 9 March and 23 March. You chose to ignore them.

Unless £68.00 is paid within 7 days we will take legal action to recover the debt, and the costs of that action will be added to your balance.

Credit Control
Northwind Apparel Ltd""",
    "agency/demand-letter.pdf": """CARTER DEBT RECOVERY
Acting on behalf of Northwind Apparel Ltd

2 April 2026

Re: Demand for payment, reference CDR-55090

Mr Price,

Your account has been passed to us because you refused to pay for goods you received. Our client has been more than patient with you.

Pay £78.00 immediately. If you fail to pay, our agents may visit your home and we will report this debt to the credit reference agencies and to your employer.

Carter Debt Recovery""",
}

CRM_ROWS = [
    {"id": "crm-501", "sent_at": "2026-03-02T09:00:00Z", "department": "sales", "channel": "email",
     "direction": "outbound", "subject": "Your fitting appointment",
     "text": "Hi Ms Ito, thanks for booking a fitting with us. We've reserved the quiet room for you, and "
             "if you'd like to bring a friend, they're very welcome."},
    {"id": "crm-502", "sent_at": "2026-03-03T09:00:00Z", "department": "sales", "channel": "email",
     "direction": "outbound", "subject": "Quote Q-1187",
     "text": "Please find quote Q-1187 attached. Prices are valid until 31 March."},
    {"id": "crm-503", "sent_at": "2026-03-04T09:00:00Z", "department": "sales", "channel": "chat",
     "direction": "outbound", "subject": None,
     "text": "Only 3 left in your size! Buy now before it's too late, this deal ends at midnight."},
    {"id": "crm-504", "sent_at": "2026-03-05T09:00:00Z", "department": "sales", "channel": "email",
     "direction": "outbound", "subject": "Sorry about the mix-up",
     "text": "I'm sorry, I sent you the wrong catalogue yesterday, that was my mistake. "
             "Here is the right one, with the trade prices we discussed."},
]


def build_docx(path: Path, text: str) -> None:
    document = docx.Document()
    document.core_properties.created = FIXED_TIME.replace(tzinfo=None)
    document.core_properties.modified = FIXED_TIME.replace(tzinfo=None)
    document.core_properties.author = "Northwind Apparel"
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    document.save(path)


def build_pdf(path: Path, text: str) -> None:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_TIME)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in text.split("\n"):
        pdf.multi_cell(0, 6, paragraph or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def main() -> None:
    for name, text in LETTERS.items():
        build_docx(SAMPLES / name, text)
    for name, text in PDF_LETTERS.items():
        build_pdf(SAMPLES / name, text)
    pq.write_table(pa.Table.from_pylist(CRM_ROWS), SAMPLES / "sales" / "crm-outreach.parquet")
    print(f"wrote {len(LETTERS) + len(PDF_LETTERS) + 1} files under {SAMPLES}")


if __name__ == "__main__":
    main()
