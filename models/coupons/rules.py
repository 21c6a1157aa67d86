"""Which sales rules automation may generate coupons from, with Maho's reasons (SEMANTICS §6)."""

from __future__ import annotations

from tortoise.expressions import Q

from models.store.reference import SalesRule

RULE_NOT_FOUND = "Sales rule does not exist."
RULE_INACTIVE = "Sales rule is not active."
RULE_NOT_SPECIFIC = "Sales rule must be configured for specific coupon codes."
RULE_NO_AUTO_GENERATION = "Sales rule must have auto-generation enabled."
# In the order they are checked: a rule reports the first that applies.
RULE_PROBLEMS = (RULE_NOT_FOUND, RULE_INACTIVE, RULE_NOT_SPECIFIC, RULE_NO_AUTO_GENERATION)

# Magento's "Specific Coupon" type; with auto-generation on, codes are made per customer.
SPECIFIC_COUPON = "specific"


def problem_of(rule: SalesRule | None) -> str | None:
    """Why `rule` cannot back generated coupons, or None when it can."""
    if rule is None:
        return RULE_NOT_FOUND
    if not rule.is_active:
        return RULE_INACTIVE
    if rule.coupon_type != SPECIFIC_COUPON:
        return RULE_NOT_SPECIFIC
    if not rule.use_auto_generation:
        return RULE_NO_AUTO_GENERATION
    return None


def available_for_coupons(rule: SalesRule) -> bool:
    return problem_of(rule) is None


async def rule_problem(rule_id: int) -> str | None:
    """Why the rule with `rule_id` cannot back generated coupons, or None when it can."""
    return problem_of(await SalesRule.get_or_none(id=rule_id))


# The same test as problem_of, in SQL, so a list filters in the database.
_AVAILABLE = Q(is_active=True, coupon_type=SPECIFIC_COUPON, use_auto_generation=True)


async def list_rules(available_for_coupons: bool | None = None) -> list[SalesRule]:
    """Sales rules by id: all of them, or only those that can (True) or cannot (False) back
    generated coupons."""
    query = SalesRule.all()
    if available_for_coupons is True:
        query = query.filter(_AVAILABLE)
    elif available_for_coupons is False:
        query = query.filter(~_AVAILABLE)
    return await query.order_by("id")
