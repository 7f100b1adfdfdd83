"""The rule set's fixed words: urgency levels, routes, directions, the audiences advice is
written for, and the ids of the few answers the engine reads itself. Storage and staff code
import only this."""

LEVELS = ("emergency", "urgent", "soon", "routine")  # fixed order, most urgent first
LEVEL_RANK = {level: rank for rank, level in enumerate(reversed(LEVELS))}  # routine=0
ROUTES = ("intrathecal", "oral", "both", "unknown")
UNKNOWN = "unknown"  # the answer "I don't know"; missing and null mean the same
DIRECTIONS = ("withdrawal", "overdose", "both", "neither")
FEATURE_KINDS = ("symptom", "history", "number", "choice")
AGE = "age_years"  # the number features the engine itself reads
WEIGHT = "weight_kg"
EXTRA_TAKEN = "extra_taken_mg"
AMOUNT_TAKEN = "amount_taken_mg"
USUAL_SYSTOLIC = "usual_systolic_bp"
USUAL_HEART_RATE = "usual_heart_rate"
AUDIENCES = ("caregiver", "staff")
ADVICE_SECTIONS = ("headline", "do_now", "tell", "watch_for")
