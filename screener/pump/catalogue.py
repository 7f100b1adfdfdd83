"""The pumps the clinic meets, with what their labelling states: reservoir size and the
volume the manufacturer's own tool projects a refill date at. What no source gave (an alarm
volume range, a drug-stability limit, SynchroMed catheter constants) is left out, not
guessed: the clinician records the programmed alarm volume for each pump.

Sources (the pump-clinic brief's keys):
- MEDTRONIC-A810: the A810 clinician programming guide names the SynchroMed II models
  8637-20 and 8637-40; MAINO-2017 compares 20 and 40 mL pumps in use.
- PROMETRA-II-IFU: Prometra II (13827 and 16827) and Prometra (11827), 20 or 40 mL; the
  Patient Therapy Controller projects the "Date of Next Refill" at 3.0 mL; catheter volume
  0.0026 mL per cm; an infusion accuracy of 85 to 115 % required of the pump.
- MAINO-2017: residual discrepancies above 1 mL (20 mL pumps) or 2 mL (40 mL) at refill
  (Neuromodulation 2017;20:733-9, 221 refills).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PumpModel:
    id: str
    name: str
    reservoir_ml: int
    sources: tuple[str, ...]
    refill_date_ml: float | None = None  # the volume its own tool projects a refill date at
    catheter_ml_per_cm: float | None = None


MODELS = {m.id: m for m in (
    PumpModel("synchromed-ii-8637-20", "Medtronic SynchroMed II 8637-20 (20 mL)", 20,
              ("MEDTRONIC-A810", "MAINO-2017")),
    PumpModel("synchromed-ii-8637-40", "Medtronic SynchroMed II 8637-40 (40 mL)", 40,
              ("MEDTRONIC-A810", "MAINO-2017")),
    PumpModel("prometra-11827", "Flowonix Prometra 11827 (20 mL)", 20,
              ("PROMETRA-II-IFU",), refill_date_ml=3.0, catheter_ml_per_cm=0.0026),
    PumpModel("prometra-ii-13827", "Flowonix Prometra II 13827 (20 mL)", 20,
              ("PROMETRA-II-IFU",), refill_date_ml=3.0, catheter_ml_per_cm=0.0026),
    PumpModel("prometra-ii-16827", "Flowonix Prometra II 16827 (40 mL)", 40,
              ("PROMETRA-II-IFU",), refill_date_ml=3.0, catheter_ml_per_cm=0.0026),
)}


def residual_tolerance_ml(reservoir_ml: float) -> float:
    """The residual discrepancy beyond which a refill is flagged (MAINO-2017): 1 mL for a
    20 mL reservoir, 2 mL for a 40 mL one (in between, by the nearer of the two)."""
    return 1.0 if reservoir_ml <= 30 else 2.0
