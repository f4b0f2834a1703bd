"""Reading a desk's database into the reports' facts (ohjaaja.domain.reports.facts): contacts
(contacts.py), handovers, notifications and offers (cases.py), municipalities for the cost
shares (municipalities.py)."""
