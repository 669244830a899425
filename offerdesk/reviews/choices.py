"""The reviews app's choices and status transition tables: its vocabulary, importable without its models."""

from __future__ import annotations

from django.db import models


class Outcome(models.TextChoices):
    APPROVED = "approved"
    REJECTED = "rejected"
    INFO_REQUESTED = "info_requested"
    INFO_PROVIDED = "info_provided"
    SEATS_VERIFIED = "seats_verified"


class RejectReason(models.TextChoices):
    """Why a reviewer rejects a request: the grounds the rule book gives, each naming its rules, and "other".
    The reviewer adds the words the partner can act on; the stored reason reads "<label>: <words>"."""

    TEMPLATE = "template", "Not the program's template, or not signed by both parties (CSO-RED-02, MWS-RED-03)"
    CUSTOMER_SIGNATURE = "customer_signature", "The customer has not signed the POE (CSO-PAY-06)"
    USERS = "users", "Fewer deployed users than the offer needs (CSO-USR-01)"
    WORKLOADS = "workloads", "Too few workloads with enough deployed users (CSO-WL-02)"
    EXPIRED = "expired", "Submitted or decided after the voucher's expiry (CSO-VAL-02, CSO-VAL-03, MWS-VAL-02)"
    ORDER = "order", "The POE came before an approved SOW (CSO-RED-01, MWS-RED-01, MWS-RED-02)"
    PARTNER = "partner", "Not the partner that may redeem this voucher (CSO-RED-04, MWS-LIM-04)"
    ECIF = "ecif", "The deployment is ECIF-funded (CSO-ELIG-07, MWS-ELIG-06)"
    FASTTRACK_PRICED = "fasttrack_priced", "FastTrack Benefit services billed to the customer (CSO-RED-06)"
    FIGURES = "figures", "The figures do not match the signed document"
    NO_ANSWER = "no_answer", "The information asked for was not provided"
    OTHER = "other", "Another reason (say which)"
