"""Gate: what CI consumes. An AI bill of materials (CycloneDX 1.6 ML-BOM, SPDX 3.0 AI and Dataset
profiles) and a policy check whose results land in code-scanning UIs (SARIF 2.1.0)."""
