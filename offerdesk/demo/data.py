"""The demo data set as data: the staff, partners, customers, exchange rates and each customer's story.

`services.py` replays it through the domain services; changing the demo is an edit here, not in the replay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from offerdesk.accounts.choices import Role
from offerdesk.partners.choices import FrpStatus

PASSWORD = "demo"
ADMIN_URL = "http://127.0.0.1:8000/admin/"
PORTAL_URL = "http://127.0.0.1:8000/"
MARKER_TPID = "DEMO-1001"  # present exactly when the demo set is loaded
STAFF_DOMAIN = "offerdesk.example"
FPM_EMAIL = f"fpm@{STAFF_DOMAIN}"
SETUP_PARTNERS = dt.date(2023, 7, 3)  # before either program starts
SETUP_CUSTOMERS = dt.date(2023, 7, 5)
FIRST_DAILY_RUN = dt.date(2023, 8, 7)  # a Monday: the daily run is replayed every Monday from here
DEMO_END = dt.date(2024, 6, 28)  # the last day replayed: open vouchers, pending reviews and referrals remain

CSO, DEP, MD, COP = "CSO", "DEP", "MD", "COP"
SOW, POE = "SOW", "POE"


@dataclass(frozen=True)
class DemoLogin:
    """A demo sign-in: username, role and the tenant it is scoped to."""

    username: str
    role: str
    scope: str = ""
    password: str = PASSWORD


@dataclass(frozen=True)
class PartnerSpec:
    """A FastTrack Ready Partner of the demo, with the login that acts for it."""

    name: str
    username: str
    contact: str
    country: str
    currency: str = "USD"
    group: str | None = None
    profile: str = ""
    status: str = FrpStatus.APPROVED


@dataclass(frozen=True)
class CustomerSpec:
    """A demo customer with its licences, usage and contacts."""

    tpid: str
    name: str
    sector: str
    segment: str
    country: str
    domain: str
    signer: str
    group: str | None = None
    seats: dict[str, tuple[int, int]] = field(default_factory=dict)
    usage: dict[str, str] = field(default_factory=dict)
    prior_e3: int | None = None
    ecif: bool = False


STAFF = [
    DemoLogin("seller", Role.SELLER),
    DemoLogin("operator", Role.OPERATOR),
    DemoLogin("reviewer", Role.REVIEWER),
    DemoLogin("finance", Role.FINANCE),
    DemoLogin("fpm", Role.FPM, "the partners it manages: all of them"),
    DemoLogin("auditor", Role.AUDITOR),
]

PARTNERS = [
    PartnerSpec("Fabrikam", "partner", "deals@fabrikam.example", "US", profile="PC-100234"),
    PartnerSpec("Northwind Consulting", "partner-northwind", "frp@northwind.example", "GB", profile="PC-100871"),
    PartnerSpec(
        "Contoso Services", "partner-contoso", "frp@contoso.example", "US", group="Contoso", profile="PC-101002"
    ),
    PartnerSpec(
        "Contoso CA", "partner-contoso-ca", "frp@contoso-ca.example", "CA", group="Contoso", profile="PC-101003"
    ),
    PartnerSpec(
        "Tailspin Consulting India",
        "partner-tailspin",
        "frp@tailspin.example",
        "IN",
        currency="INR",
        profile="PC-204410",
    ),
    PartnerSpec(
        "Lucerne Deployments",
        "partner-lucerne",
        "frp@lucerne.example",
        "CH",
        profile="PC-100555",
        status=FrpStatus.SUSPENDED,
    ),
]
CUSTOMER_LOGIN = "Contoso US"  # the customer user's tenant

LOW_USAGE = {"Exchange Online": "35%", "SharePoint Online": "25%", "Teams": "55%", "Microsoft 365 Apps": "75%"}

CUSTOMERS = [
    # The FY24 customers.
    CustomerSpec(
        "DEMO-1001",
        "Contoso US",
        "Commercial",
        "Enterprise",
        "US",
        "contoso-us.example",
        "Megan Bowen",
        group="Contoso",
        seats={"Microsoft 365 E3": (4200, 3900)},
        prior_e3=600,
    ),
    CustomerSpec(
        "DEMO-1002",
        "Adatum Corporation",
        "Commercial",
        "SMC-C",
        "US",
        "adatum.example",
        "Alex Wilber",
        seats={"Microsoft 365 E3": (280, 250)},
        prior_e3=150,
    ),
    CustomerSpec(
        "DEMO-1003",
        "Proseware County",
        "Public Sector",
        "Enterprise",
        "US",
        "proseware.example",
        "Diego Siciliani",
        seats={"Office 365 E3": (3000, 2600)},
        prior_e3=300,
    ),
    CustomerSpec(
        "DEMO-1004",
        "Graphic Design Institute",
        "Education",
        "Enterprise",
        "GB",
        "gdi.example",
        "Isaiah Langer",
        seats={"Office 365 E1": (5000, 4100)},
        prior_e3=0,
    ),
    CustomerSpec(
        "DEMO-1005",
        "School of Fine Art",
        "Education",
        "SMC-C",
        "US",
        "fineart.example",
        "Lee Gu",
        seats={"Office 365 E1": (900, 640)},
        prior_e3=40,
    ),
    CustomerSpec(
        "DEMO-1006",
        "Tailwind Traders Philippines",
        "Commercial",
        "SMC-C",
        "PH",
        "tailwind-ph.example",
        "Maria Santos",
        seats={"Office 365 E1": (450, 300)},
        prior_e3=0,
    ),
    CustomerSpec(
        "DEMO-1007",
        "Margie's Travel India",
        "Commercial",
        "SMC-C",
        "IN",
        "margies-in.example",
        "Priya Raman",
        seats={"Office 365 E1": (600, 420)},
        prior_e3=20,
    ),
    CustomerSpec(
        "DEMO-1008",
        "Southridge Video Brasil",
        "Government",
        "SMC-C",
        "BR",
        "southridge-br.example",
        "Ana Ribeiro",
        seats={"Office 365 E3": (700, 510)},
        prior_e3=90,
    ),
    CustomerSpec(
        "DEMO-1009",
        "Wingtip Toys",
        "Commercial",
        "Enterprise",
        "DE",
        "wingtip.example",
        "Lukas Weber",
        seats={"Microsoft 365 E5": (2500, 2300)},
        prior_e3=0,
    ),
    CustomerSpec(
        "DEMO-1010",
        "VanArsdel Ltd",
        "Commercial",
        "Enterprise",
        "FR",
        "vanarsdel.example",
        "Camille Martin",
        seats={"Office 365 E3": (1800, 1500)},
        prior_e3=450,
    ),
    CustomerSpec(
        "DEMO-1011",
        "Munson's Pickles and Preserves",
        "Commercial",
        "SMC-C",
        "US",
        "munsons.example",
        "Nestor Wilke",
        seats={"Microsoft 365 Business Premium": (240, 230)},
        prior_e3=0,
    ),
    # The Customer Success Offer's customers: in-scope seats, and usage below 60% on two or more workloads.
    CustomerSpec(
        "DEMO-2001",
        "Woodgrove Bank",
        "Commercial",
        "Enterprise",
        "GB",
        "woodgrove.example",
        "Patti Fernandez",
        seats={"Office 365 E3": (3000, 500)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2002",
        "Fourth Coffee India",
        "Commercial",
        "SMC-C",
        "IN",
        "fourthcoffee-in.example",
        "Arjun Mehta",
        seats={"Office 365 E3": (1500, 300)},
        usage={"Exchange Online": "40%", "SharePoint Online": "30%", "Teams": "62%", "Microsoft 365 Apps": "50%"},
    ),
    CustomerSpec(
        "DEMO-2003",
        "Litware Health",
        "Public Sector",
        "Enterprise",
        "US",
        "litware.example",
        "Grady Archie",
        seats={"Office 365 E5": (7000, 1000)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2004",
        "Trey Research",
        "Government",
        "Enterprise",
        "CA",
        "treyresearch.example",
        "Lidia Holloway",
        seats={"Office 365 E3": (5200, 2000)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2005",
        "Blue Yonder Airlines",
        "CSP",
        "Enterprise",
        "US",
        "blueyonder.example",
        "Johanna Lorenz",
        seats={"Office 365 E5": (1200, 300)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2006",
        "Alpine Ski House",
        "US Federal",
        "Enterprise",
        "US",
        "alpineskihouse.example",
        "Irvin Sayers",
        seats={"Office 365 E3": (900, 100)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2007",
        "Coho Winery",
        "Commercial",
        "SMC-C",
        "BR",
        "cohowinery.example",
        "Rafael Costa",
        seats={"Microsoft 365 E3": (800, 150)},
        usage={"Exchange Online": "52%", "SharePoint Online": "18%", "Teams": "44%", "Microsoft 365 Apps": "81%"},
    ),
    CustomerSpec(
        "DEMO-2008",
        "Lamna Healthcare",
        "Public Sector",
        "Enterprise",
        "AU",
        "lamna.example",
        "Olivia Brown",
        seats={"Office 365 E3": (2500, 400)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2009",
        "Relecloud",
        "Commercial",
        "SMC-C",
        "MX",
        "relecloud.example",
        "Sofia Herrera",
        seats={"Office 365 E1": (650, 120)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2010",
        "Wide World Importers",
        "Commercial",
        "Enterprise",
        "PH",
        "wideworld.example",
        "Jose Reyes",
        seats={"Microsoft 365 E3": (5400, 1200)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-2011",
        "Humongous Insurance",
        "Commercial",
        "Enterprise",
        "JP",
        "humongous.example",
        "Haruto Sato",
        seats={"Office 365 E3": (2000, 900)},
        usage=LOW_USAGE,
    ),
    # Customers no program takes: they show the refusals on the eligibility pages.
    CustomerSpec(
        "DEMO-3001",
        "Good Works Foundation",
        "Non-profit",
        "SMC-C",
        "KE",
        "goodworks.example",
        "Amani Otieno",
        seats={"Office 365 E1": (700, 200)},
        usage=LOW_USAGE,
    ),
    CustomerSpec(
        "DEMO-3002",
        "Consolidated Messenger",
        "GPP",
        "Enterprise",
        "US",
        "consolidated.example",
        "Pradeep Gupta",
        seats={"Office 365 E3": (1100, 700)},
        usage=LOW_USAGE,
        ecif=True,
    ),
]

EXCHANGE_RATES = [  # (set on, currency, INR per USD, effective from)
    ("2023-07-03", "INR", "82.2500", "2023-07-01"),
    ("2024-01-02", "INR", "83.1234", "2024-01-01"),
    ("2024-04-01", "INR", "83.4000", "2024-04-01"),
]


@dataclass(frozen=True)
class Event:
    """One thing that happens in a customer's story: a day, an action of the replay, and its arguments."""

    day: dt.date
    action: str
    args: Mapping[str, Any]


def at(day: str, action: str, **args: Any) -> Event:
    """An event at noon on a day (program time zone)."""
    return Event(dt.date.fromisoformat(day), action, args)


@dataclass(frozen=True)
class Story:
    """A customer's history in the demo, as the events that make it."""

    customer: str
    summary: str
    events: tuple[Event, ...]


# Each story's events act on its customer; the replay plays every story's events in date order,
# the Monday daily runs in between.
STORIES = [
    Story(
        "Contoso US",
        "DEP completed by Fabrikam (Contoso's own partners may not redeem it), then an open Copilot one, "
        "whose SOW Fabrikam prepared and signed and the customer has yet to sign.",
        (
            at("2023-09-01", "nominate", offer=DEP),
            at("2023-10-02", "deal", value="500000.00", workloads=["Microsoft 365 E3"]),
            at("2023-10-05", "issue", offer=DEP, face_value="75000.00"),
            at("2023-10-11", "submit", offer=DEP, kind=SOW, partner="Fabrikam", value="60000.00"),
            at("2023-10-13", "approve", offer=DEP, kind=SOW),
            at("2024-02-20", "submit", offer=DEP, kind=POE, partner="Fabrikam", users=3600),
            at("2024-02-22", "approve", offer=DEP, kind=POE),
            at("2024-03-01", "nominate", offer=COP),
            at("2024-04-12", "deal", value="400000.00", workloads=["Microsoft 365 Copilot"]),
            at("2024-04-18", "issue", offer=COP, face_value="95000.00"),
            # In the portal: Fabrikam's SOW for it, signed by Fabrikam, waits in the customer's Documents to sign
            at("2024-06-24", "prepare", offer=COP, kind=SOW, partner="Fabrikam", value="90000.00"),
        ),
    ),
    Story(
        "Adatum Corporation",
        "DEP and Copilot from one deal: DEP completed within the combination cap, Copilot expired.",
        (
            at("2023-11-01", "nominate", offer=DEP),
            at("2023-11-01", "nominate", offer=COP),
            at("2023-12-01", "deal", value="300000.00", workloads=["Microsoft 365 E3", "Microsoft 365 Copilot"]),
            at("2023-12-05", "issue", offer=DEP, face_value="25000.00"),
            at("2023-12-05", "issue", offer=COP, face_value="40000.00"),
            at("2023-12-12", "submit", offer=DEP, kind=SOW, partner="Northwind Consulting", value="25000.00"),
            at("2023-12-14", "approve", offer=DEP, kind=SOW),
            at("2024-01-10", "submit", offer=COP, kind=SOW, partner="Contoso CA", value="40000.00"),
            at("2024-01-12", "approve", offer=COP, kind=SOW),
            at("2024-03-11", "submit", offer=DEP, kind=POE, partner="Northwind Consulting", users=250),
            at("2024-03-13", "approve", offer=DEP, kind=POE),
        ),
    ),
    Story(
        "Proseware County",
        "Public-sector Migration & Deployment: SOW approved after a question, POE in review.",
        (
            at("2024-01-10", "nominate", offer=MD),
            at(
                "2024-02-15",
                "deal",
                value="600000.00",
                workloads=["Microsoft 365 E5", "Teams Phone"],
                migration=("Office on-premises",),
            ),
            at("2024-02-20", "issue", offer=MD, face_value="100000.00"),
            at("2024-03-04", "submit", offer=MD, kind=SOW, partner="Northwind Consulting", value="90000.00"),
            at(
                "2024-03-05",
                "ask",
                offer=MD,
                kind=SOW,
                question="Please list the Exchange Server 2016 mailboxes in scope of the migration.",
            ),
            at(
                "2024-03-07",
                "answer",
                offer=MD,
                kind=SOW,
                partner="Northwind Consulting",
                note="Added appendix B: 2,740 mailboxes on two Exchange 2016 DAGs.",
            ),
            at("2024-03-08", "approve", offer=MD, kind=SOW),
            at("2024-06-24", "submit", offer=MD, kind=POE, partner="Northwind Consulting", users=2700),
        ),
    ),
    Story(
        "Graphic Design Institute",
        "An education DEP voucher the operator cancelled.",
        (
            at("2023-10-02", "nominate", offer=DEP),
            at("2023-11-15", "deal", value="400000.00", workloads=["Microsoft 365 E3"]),
            at("2023-11-20", "issue", offer=DEP, face_value="75000.00"),
            at(
                "2024-01-08",
                "cancel",
                offer=DEP,
                reason="The purchase was re-booked under a new agreement number; the deal is void.",
            ),
        ),
    ),
    Story(
        "School of Fine Art",
        "An open education DEP voucher, not yet taken to a partner.",
        (
            at("2024-02-26", "nominate", offer=DEP),
            at("2024-03-11", "deal", value="200000.00", workloads=["Microsoft 365 E3"]),
            at("2024-03-15", "issue", offer=DEP, face_value="25000.00"),
        ),
    ),
    Story(
        "Tailwind Traders Philippines",
        "Office 365 E1+ in the Philippines (DEP-E1P), redeemed by the partner paid in INR.",
        (
            at("2024-05-01", "nominate", offer=DEP),
            at("2024-05-15", "deal", value="600000.00", workloads=["Office 365 E1+"]),
            at("2024-05-20", "issue", offer=DEP, face_value="95000.00"),
            at("2024-06-03", "submit", offer=DEP, kind=SOW, partner="Tailspin Consulting India", value="95000.00"),
            at("2024-06-05", "approve", offer=DEP, kind=SOW),
        ),
    ),
    Story(
        "Margie's Travel India",
        "Office 365 E1+ migration from a competitor in India (MD-E1P), open.",
        (
            at("2024-05-08", "nominate", offer=MD),
            at("2024-05-20", "deal", value="500000.00", workloads=["Office 365 E1+"], migration=("competitor",)),
            at("2024-05-24", "issue", offer=MD, face_value="90000.00"),
        ),
    ),
    Story(
        "Southridge Video Brasil",
        "Government in Brazil, Q4 limited-time DEP: $0 at the SOW, the whole SOW value at the POE.",
        (
            at("2024-04-01", "nominate", offer=DEP),
            at("2024-04-10", "deal", value="800000.00", workloads=["Microsoft 365 E5"]),
            at("2024-04-15", "issue", offer=DEP, face_value="95000.00"),
            at("2024-04-22", "submit", offer=DEP, kind=SOW, partner="Fabrikam", value="90000.00"),
            at("2024-04-24", "approve", offer=DEP, kind=SOW),
            at("2024-06-10", "submit", offer=DEP, kind=POE, partner="Fabrikam", users=480),
            at("2024-06-12", "approve", offer=DEP, kind=POE),
        ),
    ),
    Story(
        "Wingtip Toys",
        "Copilot, Enterprise: initial payment made, the POE waits past its review date.",
        (
            at("2024-04-02", "nominate", offer=COP),
            at("2024-04-22", "deal", value="300000.00", workloads=["Microsoft 365 Copilot", "Microsoft 365 E5"]),
            at("2024-04-25", "issue", offer=COP, face_value="80000.00"),
            at("2024-05-06", "submit", offer=COP, kind=SOW, partner="Contoso CA", value="80000.00"),
            at("2024-05-08", "approve", offer=COP, kind=SOW),
            at("2024-06-20", "submit", offer=COP, kind=POE, partner="Contoso CA", users=1200),
        ),
    ),
    Story(
        "VanArsdel Ltd",
        "A DEP voucher never redeemed: reminders to the customer (account team in copy), then expiry.",
        (
            at("2023-08-01", "nominate", offer=DEP),
            at("2023-08-21", "deal", value="450000.00", workloads=["Microsoft 365 E3", "Frontline Worker F3"]),
            at("2023-08-25", "issue", offer=DEP, face_value="60000.00"),
        ),
    ),
    Story(
        "Munson's Pickles and Preserves",
        "A SOW rejected (priced FastTrack services), then another partner's SOW in review.",
        (
            at("2024-01-15", "nominate", offer=DEP),
            at("2024-02-01", "deal", value="200000.00", workloads=["Microsoft 365 E3"]),
            at("2024-02-05", "issue", offer=DEP, face_value="25000.00"),
            at("2024-02-12", "submit", offer=DEP, kind=SOW, partner="Northwind Consulting", value="25000.00"),
            at(
                "2024-02-14",
                "reject",
                offer=DEP,
                kind=SOW,
                reason="The SOW charges the customer for FastTrack Benefit services (MWS-RED-04).",
            ),
            at("2024-06-25", "submit", offer=DEP, kind=SOW, partner="Fabrikam", value="24000.00"),
        ),
    ),
    Story(
        "Woodgrove Bank",
        "CSO tier 1, completed: 1,200 verified users at $15.",
        (
            at("2023-09-01", "nominate", offer=CSO, partner="Fabrikam"),
            at("2023-09-05", "accept"),
            at("2023-09-12", "submit", offer=CSO, kind=SOW, partner="Fabrikam", value="18000.00"),
            at("2023-09-14", "approve", offer=CSO, kind=SOW),
            at(
                "2024-01-10",
                "submit",
                offer=CSO,
                kind=POE,
                partner="Fabrikam",
                users=1200,
                workloads={"Exchange Online": 1200, "SharePoint Online": 1100, "Teams": 900},
            ),
            at("2024-01-11", "verify", offer=CSO, users=1200),
            at("2024-01-12", "approve", offer=CSO, kind=POE),
        ),
    ),
    Story(
        "Fourth Coffee India",
        "CSO in India, paid in INR at the rate in force on the payment date.",
        (
            at("2023-10-02", "nominate", offer=CSO, partner="Tailspin Consulting India"),
            at("2023-10-09", "accept"),
            at("2023-10-16", "submit", offer=CSO, kind=SOW, partner="Tailspin Consulting India", value="15000.00"),
            at("2023-10-18", "approve", offer=CSO, kind=SOW),
            at(
                "2024-02-05",
                "submit",
                offer=CSO,
                kind=POE,
                partner="Tailspin Consulting India",
                users=1000,
                workloads={"Exchange Online": 1000, "Teams": 800, "Microsoft 365 Apps": 600},
            ),
            at("2024-02-06", "verify", offer=CSO, users=950),
            at("2024-02-07", "approve", offer=CSO, kind=POE),
        ),
    ),
    Story(
        "Litware Health",
        "CSO tier 2, public sector: the POE is in review with seats verified.",
        (
            at("2024-02-01", "nominate", offer=CSO, partner="Northwind Consulting"),
            at("2024-02-05", "accept"),
            at("2024-02-20", "submit", offer=CSO, kind=SOW, partner="Northwind Consulting", value="50000.00"),
            at("2024-02-22", "approve", offer=CSO, kind=SOW),
            at(
                "2024-06-26",
                "submit",
                offer=CSO,
                kind=POE,
                partner="Northwind Consulting",
                users=3400,
                workloads={"Exchange Online": 3400, "SharePoint Online": 3000, "Teams": 2800},
            ),
            at("2024-06-27", "verify", offer=CSO, users=3350),
        ),
    ),
    Story(
        "Trey Research",
        "CSO tier 2, government: the SOW was approved but no POE came before expiry.",
        (
            at("2023-08-15", "nominate", offer=CSO, partner="Fabrikam"),
            at("2023-08-21", "accept"),
            at("2023-09-05", "submit", offer=CSO, kind=SOW, partner="Fabrikam", value="45000.00"),
            at("2023-09-07", "approve", offer=CSO, kind=SOW),
        ),
    ),
    Story(
        "Blue Yonder Airlines",
        "CSO for a CSP customer, cancelled by the operator.",
        (
            at("2023-11-01", "nominate", offer=CSO, partner="Contoso CA"),
            at("2023-11-06", "accept"),
            at("2023-12-01", "cancel", offer=CSO, reason="The tenant was consolidated into the parent airline's TPID."),
        ),
    ),
    Story(
        "Alpine Ski House",
        "CSO for a US Federal customer, open.",
        (
            at("2024-05-06", "nominate", offer=CSO, partner="Fabrikam"),
            at("2024-05-13", "accept"),
        ),
    ),
    Story(
        "Coho Winery",
        "CSO in Brazil: the SOW waits for the information the reviewer asked for.",
        (
            at("2024-03-04", "nominate", offer=CSO, partner="Contoso CA"),
            at("2024-03-11", "accept"),
            at("2024-06-18", "submit", offer=CSO, kind=SOW, partner="Contoso CA", value="9750.00"),
            at(
                "2024-06-20",
                "ask",
                offer=CSO,
                kind=SOW,
                question="Show the FastTrack Benefit services at $0 to the customer (CSO-RED-06).",
            ),
        ),
    ),
    Story(
        "Lamna Healthcare",
        "CSO, public sector: a SOW rejected, a corrected one in review.",
        (
            at("2024-01-15", "nominate", offer=CSO, partner="Northwind Consulting"),
            at("2024-01-22", "accept"),
            at("2024-02-01", "submit", offer=CSO, kind=SOW, partner="Northwind Consulting", value="30000.00"),
            at(
                "2024-02-05",
                "reject",
                offer=CSO,
                kind=SOW,
                reason="The SOW lists Power BI deployment, which this offer does not cover (CSO-WL-01).",
            ),
            at("2024-06-26", "submit", offer=CSO, kind=SOW, partner="Northwind Consulting", value="25000.00"),
        ),
    ),
    Story(
        "Relecloud",
        "CSO in Mexico: the first partner declined, the customer was re-mapped and the voucher is open.",
        (
            at("2024-04-01", "nominate", offer=CSO, partner="Northwind Consulting"),
            at("2024-04-05", "decline", reason="No Spanish-speaking delivery team this quarter."),
            at("2024-04-08", "nominate", offer=CSO, partner="Fabrikam"),
            at("2024-04-10", "accept"),
        ),
    ),
    Story(
        "Wide World Importers",
        "CSO in the Philippines: a referral still waiting for the partner's answer.",
        (at("2024-06-17", "nominate", offer=CSO, partner="Tailspin Consulting India"),),
    ),
    Story(
        "Humongous Insurance",
        "CSO: a referral nobody answered within 30 days; it lapsed.",
        (at("2024-01-08", "nominate", offer=CSO, partner="Northwind Consulting"),),
    ),
]
