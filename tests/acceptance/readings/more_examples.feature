Feature: More of the rule book's worked examples (§4), with the product owner's steps
  Ours: the examples the shipped features leave out, and what happens around a rejection.

  Background:
    Given a FastTrack Ready Partner "Fabrikam":
      | primary contact | ops@fabrikam.example  |
      | program manager | fpm@fasttrack.example |
    And a FastTrack Ready Partner "Northwind"

  Scenario: Users beyond the unused licences are not paid, even under the paid total (AT-C16)
    Given a customer "Contoso" with TPID "T-950":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    And "Contoso" has 600 paid seats of "Office 365 E3" with 200 in use
    And "Contoso" has monthly active usage:
      | workload          | mau |
      | Exchange Online   | 20% |
      | SharePoint Online | 20% |
    When Microsoft nominates "Contoso" for the Customer Success Offer with partner "Fabrikam" on 2023-09-01
    And "Fabrikam" accepts the referral on 2023-09-04
    And "Fabrikam" submits the SOW for the "Customer Success Offer" voucher of "Contoso" on 2023-09-10
    And the reviewer approves it on 2023-09-12
    Then "Fabrikam" is owed nothing
    And "ops@fabrikam.example" is emailed "request approved" with "fpm@fasttrack.example" in copy
    When "Fabrikam" submits the POE for the "Customer Success Offer" voucher of "Contoso" on 2024-01-10:
      | users deployed    | 450 |
      | Exchange Online   | 450 |
      | SharePoint Online | 450 |
    And the reviewer approves it on 2024-01-12
    Then "Fabrikam" is owed:
      | amount    | payable on |
      | $6,000.00 | 2024-03-16 |

  Scenario: SMC-C half and half of the SOW value, capped by the face value (AT-M02)
    Given a customer "Adatum" with TPID "T-951":
      | sector  | Commercial |
      | segment | SMC-C      |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2023-09-01
    And "Adatum" closes a qualifying deal on 2023-10-01:
      | value     | $800,000.00      |
      | workloads | Microsoft 365 E5 |
    And a voucher is issued to "Adatum" for the "M365 Deployment Offer" on 2023-10-05 with a face value of $50,000.00
    And "Northwind" submits the SOW for the "M365 Deployment Offer" voucher of "Adatum" on 2023-10-10:
      | value | $80,000.00 |
    And the reviewer approves it on 2023-10-12
    And "Northwind" submits the POE for the "M365 Deployment Offer" voucher of "Adatum" on 2024-02-01
    And the reviewer approves it on 2024-02-02
    Then "Northwind" is owed:
      | amount     | payable on |
      | $25,000.00 | 2023-12-15 |
      | $25,000.00 | 2024-04-14 |
    And the "M365 Deployment Offer" voucher of "Adatum" is completed

  Scenario Outline: A voucher issued on the last day of a month expires on the last day six months on (AT-M07)
    Given a customer "Adatum" with TPID "T-952":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2023-09-01
    And "Adatum" closes a qualifying deal on 2023-12-20:
      | value     | $400,000.00      |
      | workloads | Microsoft 365 E3 |
    And a voucher is issued to "Adatum" for the "M365 Deployment Offer" on 2023-12-31 with a face value of $75,000.00
    Then "Adatum" holds a "M365 Deployment Offer" voucher worth up to $75,000.00 that expires on 2024-06-30
    When "Fabrikam" submits the SOW for the "M365 Deployment Offer" voucher of "Adatum" on 2024-01-10
    And the reviewer approves it on 2024-01-12
    And "Fabrikam" submits the POE for the "M365 Deployment Offer" voucher of "Adatum" on <submitted>
    Then <outcome>

    Examples:
      | submitted  | outcome                               |
      | 2024-06-29 | it succeeds                           |
      | 2024-06-30 | it is refused under rule "MWS-VAL-02" |

  Scenario: A rejected SOW can be replaced, even by another partner (AMB-32)
    Given a customer "Adatum" with TPID "T-953":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2023-09-01
    And "Adatum" closes a qualifying deal on 2023-10-01:
      | value     | $500,000.00      |
      | workloads | Microsoft 365 E3 |
    And a voucher is issued to "Adatum" for the "M365 Deployment Offer" on 2023-10-05 with a face value of $75,000.00
    And "Fabrikam" submits the SOW for the "M365 Deployment Offer" voucher of "Adatum" on 2023-10-10
    And the reviewer rejects it on 2023-10-11
    Then "ops@fabrikam.example" is emailed "request rejected"
    And "fpm@fasttrack.example" is not emailed "request rejected"
    And the "M365 Deployment Offer" voucher of "Adatum" is open
    When "Northwind" submits the SOW for the "M365 Deployment Offer" voucher of "Adatum" on 2023-10-12:
      | value | $70,000.00 |
    Then it succeeds
    When the reviewer approves it on 2023-10-13
    Then "Northwind" is owed:
      | amount     | payable on |
      | $35,000.00 | 2023-12-15 |
    And "Fabrikam" is owed nothing

  Scenario: A partner's user may hold many vouchers (MWS-LIM-05)
    Given a customer "Adatum" with TPID "T-954":
      | sector  | Commercial |
      | segment | Enterprise |
      | country | US         |
    And a customer "Proseware" with TPID "T-955":
      | sector  | Public Sector |
      | segment | SMC-C         |
      | country | US            |
    When Microsoft nominates "Adatum" for the "M365 Deployment Offer" on 2023-09-01
    And Microsoft nominates "Proseware" for the "M365 Deployment Offer" on 2023-09-01
    And "Adatum" closes a qualifying deal on 2023-10-01:
      | value     | $500,000.00      |
      | workloads | Microsoft 365 E3 |
    And "Proseware" closes a qualifying deal on 2023-10-02:
      | value     | $200,000.00 |
      | workloads | Teams Phone |
    And a voucher is issued to "Adatum" for the "M365 Deployment Offer" on 2023-10-05 with a face value of $75,000.00
    And a voucher is issued to "Proseware" for the "M365 Deployment Offer" on 2023-10-05 with a face value of $25,000.00
    And "Fabrikam" submits the SOW for the "M365 Deployment Offer" voucher of "Adatum" on 2023-10-10
    And the reviewer approves it on 2023-10-11
    And "Fabrikam" submits the SOW for the "M365 Deployment Offer" voucher of "Proseware" on 2023-10-10
    And the reviewer approves it on 2023-10-11
    Then "Fabrikam" is owed:
      | amount     | payable on |
      | $37,500.00 | 2023-12-15 |
