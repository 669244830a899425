Feature: The rule book's alternative readings, chosen by policy
  Each §3.0 default has a parameter that selects the other reading of the seed text (rule book §4).
  These scenarios are ours, written with the product owner's steps.

  Background:
    Given a FastTrack Ready Partner "Fabrikam"
    And a customer "Contoso" with TPID "T-900":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    And "Contoso" has monthly active usage:
      | workload           | mau |
      | Exchange Online    | 35% |
      | SharePoint Online  | 25% |
      | Teams              | 55% |
      | Microsoft 365 Apps | 75% |

  Scenario Outline: Under the seat-floor reading, Tier 2 never pays more than $49,995 (AT-C14)
    Given the policy "cso.cap_mode" is seat_floor
    And "Contoso" has 7000 paid seats of "Office 365 E5" with 1000 in use
    When Microsoft nominates "Contoso" for the Customer Success Offer with partner "Fabrikam" on 2023-09-01
    And "Fabrikam" accepts the referral on 2023-09-04
    And "Fabrikam" submits the SOW for the "Customer Success Offer" voucher of "Contoso" on 2023-09-10
    And the reviewer approves it on 2023-09-12
    And "Fabrikam" submits the POE for the "Customer Success Offer" voucher of "Contoso" on 2024-01-31:
      | users deployed  | <users> |
      | Exchange Online | <users> |
      | Teams           | <users> |
    And the reviewer approves it on 2024-02-02
    Then "Fabrikam" is owed:
      | amount     | payable on |
      | $49,995.00 | 2024-03-16 |

    Examples:
      | users |
      | 3334  |
      | 4000  |

  Scenario: A POE submitted on the expiry date is on time when the policy says so (AT-C19)
    Given the policy "expiry.submit_on_expiry_date_ok" is true
    And "Contoso" has 2000 paid seats of "Office 365 E3" with 500 in use
    When Microsoft nominates "Contoso" for the Customer Success Offer with partner "Fabrikam" on 2023-09-01
    And "Fabrikam" accepts the referral on 2023-09-01
    And "Fabrikam" submits the SOW for the "Customer Success Offer" voucher of "Contoso" on 2023-10-02
    And the reviewer approves it on 2023-10-05
    And "Fabrikam" submits the POE for the "Customer Success Offer" voucher of "Contoso" on 2024-02-28:
      | users deployed  | 600 |
      | Exchange Online | 600 |
      | Teams           | 600 |
    Then it succeeds

  Scenario: Anchored on the approval month, the payment moves a month (AT-C22)
    Given the policy "pay.anchor" is approval
    And "Contoso" has 2000 paid seats of "Office 365 E3" with 500 in use
    When Microsoft nominates "Contoso" for the Customer Success Offer with partner "Fabrikam" on 2023-09-01
    And "Fabrikam" accepts the referral on 2023-09-04
    And "Fabrikam" submits the SOW for the "Customer Success Offer" voucher of "Contoso" on 2023-09-10
    And the reviewer approves it on 2023-09-12
    And "Fabrikam" submits the POE for the "Customer Success Offer" voucher of "Contoso" on 2024-01-31:
      | users deployed  | 500 |
      | Exchange Online | 500 |
      | Teams           | 500 |
    And the reviewer approves it on 2024-02-02
    Then "Fabrikam" is owed:
      | amount    | payable on |
      | $7,500.00 | 2024-04-14 |

  Scenario: A partner that accepts on the last day of its window gets the voucher (CSO-ENG-01)
    Given the policy "cso.intent_days" is 10
    And "Contoso" has 2000 paid seats of "Office 365 E3" with 500 in use
    When Microsoft nominates "Contoso" for the Customer Success Offer with partner "Fabrikam" on 2023-09-01
    And "Fabrikam" accepts the referral on 2023-09-12
    Then it is refused under rule "CSO-ENG-01"
    When "Fabrikam" accepts the referral on 2023-09-11
    Then "Contoso" holds a "Customer Success Offer" voucher worth up to $25,000.00 that expires on 2024-03-09

  Scenario: When expired vouchers do not count, a TPID may be nominated again (AMB-20)
    Given the policy "tpid_limit_counts_expired" is false
    And a FastTrack Ready Partner "Northwind"
    And "Contoso" has 2000 paid seats of "Office 365 E3" with 500 in use
    When Microsoft nominates "Contoso" for the Customer Success Offer with partner "Fabrikam" on 2023-08-01
    And "Fabrikam" accepts the referral on 2023-08-01
    And the daily jobs run on 2024-01-28
    Then the "Customer Success Offer" voucher of "Contoso" is expired
    When Microsoft nominates "Contoso" for the Customer Success Offer with partner "Northwind" on 2024-02-01
    Then it succeeds
    When "Northwind" accepts the referral on 2024-02-02
    Then "Contoso" holds a "Customer Success Offer" voucher worth up to $25,000.00 that expires on 2024-07-31

  Scenario: Under the issue-date anchor, a March deal issued in April takes the Q4 cap (AT-M19)
    Given the policy "mws.q4_anchor" is issue
    And a customer "Adatum" with TPID "T-901":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2024-03-01
    And "Adatum" closes a qualifying deal on 2024-03-28:
      | value     | $800,000.00      |
      | workloads | Microsoft 365 E3 |
    Then the highest voucher value for "Adatum" under the "M365 Deployment Offer" when issued on 2024-04-02 is $95,000.00

  Scenario: Under the whole-deal reading, an SMC-C deal above $950,000 in Q4 is out (AMB-16)
    Given the policy "mws.q4_950k_scope" is deal
    And a customer "Adatum" with TPID "T-902":
      | sector  | Commercial |
      | segment | SMC-C      |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2024-03-01
    And "Adatum" closes a qualifying deal on 2024-05-01:
      | value     | $1,200,000.00    |
      | workloads | Microsoft 365 E3 |
    Then "Adatum" cannot be issued a "M365 Deployment Offer" voucher on 2024-05-03 under rule "MWS-CAP-05"

  Scenario: Education customers on the commercial flow are paid half on the SOW (AT-M08)
    Given the policy "mws.education_flow" is Commercial
    And a customer "Adatum" with TPID "T-903":
      | sector  | Education  |
      | segment | Enterprise |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2023-09-01
    And "Adatum" closes a qualifying deal on 2023-10-01:
      | value     | $500,000.00      |
      | workloads | Microsoft 365 E3 |
    And a voucher is issued to "Adatum" for the "M365 Deployment Offer" on 2023-10-05 with a face value of $40,000.00
    And "Fabrikam" submits the SOW for the "M365 Deployment Offer" voucher of "Adatum" on 2023-10-10:
      | value | $40,000.00 |
    And the reviewer approves it on 2023-10-12
    And "Fabrikam" submits the POE for the "M365 Deployment Offer" voucher of "Adatum" on 2024-03-04
    And the reviewer approves it on 2024-03-06
    Then "Fabrikam" is owed:
      | amount     | payable on |
      | $20,000.00 | 2023-12-15 |
      | $20,000.00 | 2024-05-15 |

  Scenario Outline: The second February–March line gives Copilot $95,000 (AT-M34, AMB-18)
    Given the policy "mws.copilot_cap_feb5_mar31" is $95,000.00
    And a customer "Adatum" with TPID "T-904":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Copilot Deployment Offer" on 2024-01-15
    And "Adatum" closes a qualifying deal on <closed>:
      | value     | $400,000.00           |
      | workloads | Microsoft 365 Copilot |
    Then the highest voucher value for "Adatum" under the "M365 Copilot Deployment Offer" when issued on 2024-04-10 is <cap>

    Examples:
      | closed     | cap        |
      | 2024-02-04 | $50,000.00 |
      | 2024-03-15 | $95,000.00 |

  Scenario: When the combination caps bind DEP only, the migration voucher pays in full (AT-M31, AMB-19)
    Given the policy "mws.combo_caps_apply_to_MD" is false
    And a customer "Adatum" with TPID "T-905":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Migration & Deployment Offer" on 2023-10-01
    And Microsoft nominates "Adatum" for the "M365 Copilot Deployment Offer" on 2023-10-01
    And "Adatum" closes a qualifying deal on 2023-11-01:
      | value     | $600,000.00                             |
      | workloads | Microsoft 365 E3, Microsoft 365 Copilot |
      | migration | Office on-premises                      |
    And a voucher is issued to "Adatum" for the "M365 Copilot Deployment Offer" on 2023-11-05 with a face value of $50,000.00
    And a voucher is issued to "Adatum" for the "M365 Migration & Deployment Offer" on 2023-11-05 with a face value of $100,000.00
    And "Fabrikam" submits the SOW for the "M365 Migration & Deployment Offer" voucher of "Adatum" on 2023-11-10:
      | value | $100,000.00 |
    And the reviewer approves it on 2023-11-14
    And "Fabrikam" submits the POE for the "M365 Migration & Deployment Offer" voucher of "Adatum" on 2024-02-01
    And the reviewer approves it on 2024-02-05
    Then "Fabrikam" is owed:
      | amount     | payable on |
      | $50,000.00 | 2024-01-14 |
      | $50,000.00 | 2024-04-14 |

  Scenario: Payment dates follow the paying request's submission month (AT-M43, with the POE moved into the voucher's life)
    Given a customer "Adatum" with TPID "T-906":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2023-09-01
    And "Adatum" closes a qualifying deal on 2023-10-01:
      | value     | $500,000.00      |
      | workloads | Microsoft 365 E3 |
    And a voucher is issued to "Adatum" for the "M365 Deployment Offer" on 2023-11-05 with a face value of $60,000.00
    And "Fabrikam" submits the SOW for the "M365 Deployment Offer" voucher of "Adatum" on 2023-11-20:
      | value | $60,000.00 |
    Then it succeeds
    When the reviewer approves it on 2023-11-22
    And "Fabrikam" submits the POE for the "M365 Deployment Offer" voucher of "Adatum" on 2024-04-30
    And the reviewer approves it on 2024-05-02
    Then "Fabrikam" is owed:
      | amount     | payable on |
      | $30,000.00 | 2024-01-14 |
      | $30,000.00 | 2024-06-14 |

  Scenario: The partner's request adds tax, but only the voucher value is paid (AT-M42)
    Given a customer "Adatum" with TPID "T-907":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2023-09-01
    And "Adatum" closes a qualifying deal on 2023-10-01:
      | value     | $500,000.00      |
      | workloads | Microsoft 365 E3 |
    And a voucher is issued to "Adatum" for the "M365 Deployment Offer" on 2023-10-05 with a face value of $75,000.00
    And "Fabrikam" submits the SOW for the "M365 Deployment Offer" voucher of "Adatum" on 2023-10-10:
      | value | $82,500.00 |
    And the reviewer approves it on 2023-10-12
    And "Fabrikam" submits the POE for the "M365 Deployment Offer" voucher of "Adatum" on 2024-01-15
    And the reviewer approves it on 2024-01-17
    Then "Fabrikam" is owed:
      | amount     | payable on |
      | $37,500.00 | 2023-12-15 |
      | $37,500.00 | 2024-03-16 |
