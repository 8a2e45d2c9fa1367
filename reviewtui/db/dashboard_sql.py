"""The dashboard's queries as SQLite text: GENERATED, do not edit.

Rendered from the SQLAlchemy queries by ``uv run python -m reviewtui.db.portfolio``;
tests/db/test_firstrows.py fails when this file and the queries disagree.
"""

STATEMENTS: dict[str, tuple[str, dict[str, object]]] = {
    'vendors': (
        'SELECT vendor.id, vendor.name, vendor.service, vendor.category, vendor.criticality, vendor.review_cadence_months, vendor.contract_review, coalesce(anon_1.open_n, :coalesce_2) AS coalesce_1, coalesce(anon_1.overdue_n, :coalesce_4) AS coalesce_3, anon_2.last_at \nFROM vendor LEFT OUTER JOIN (SELECT action.vendor_id AS vid, count(*) AS open_n, sum(CASE WHEN (action.due_date < :due_date_1) THEN :param_1 ELSE :param_2 END) AS overdue_n \nFROM action \nWHERE action.status IN (:status_1_1, :status_1_2) GROUP BY action.vendor_id) AS anon_1 ON anon_1.vid = vendor.id LEFT OUTER JOIN (SELECT meeting.vendor_id AS vid, max(meeting.scheduled_at) AS last_at \nFROM meeting \nWHERE meeting.status IN (:status_2_1, :status_2_2) GROUP BY meeting.vendor_id) AS anon_2 ON anon_2.vid = vendor.id ORDER BY vendor.name',
        {'coalesce_2': 0, 'coalesce_4': 0, 'due_date_1': '$today', 'param_1': 1, 'param_2': 0, 'status_1_1': 'open', 'status_1_2': 'in_progress', 'status_2_1': 'ended', 'status_2_2': 'signed_off'},
    ),
    'names': (
        'SELECT vendor.id, vendor.name \nFROM vendor ORDER BY vendor.name',
        {},
    ),
    'kpis': (
        'SELECT kpi.id, kpi.vendor_id, kpi.name, kpi.unit, kpi.direction, kpi.target, kpi.threshold, kpi.weight, kpi.frequency, kpi.category \nFROM kpi ORDER BY kpi.vendor_id, kpi.id',
        {},
    ),
    'values': (
        'WITH cut AS MATERIALIZED \n(SELECT kpi.id AS kpi_id, coalesce((SELECT DISTINCT measurement.period \nFROM measurement \nWHERE measurement.kpi_id = kpi.id AND (kpi.frequency = :frequency_1 AND (substr(measurement.period, :substr_1, :substr_2) NOT IN (:substr_3_1, :substr_3_2)) OR kpi.frequency = :frequency_2 AND substr(measurement.period, :substr_1, :substr_2) = :substr_4 OR kpi.frequency = :frequency_3 AND substr(measurement.period, :substr_1, :substr_2) = :substr_5) ORDER BY measurement.period DESC\n LIMIT :param_1 OFFSET :param_2), :coalesce_1) AS first \nFROM kpi)\n SELECT measurement.kpi_id, measurement.period, max(CASE WHEN (measurement.source = :source_1) THEN measurement.value END) AS max_1, max(CASE WHEN (measurement.source = :source_2) THEN measurement.value END) AS max_2 \nFROM cut JOIN measurement ON measurement.kpi_id = cut.kpi_id JOIN kpi ON kpi.id = measurement.kpi_id \nWHERE measurement.period >= cut.first AND (kpi.frequency = :frequency_4 AND (substr(measurement.period, :substr_6, :substr_7) NOT IN (:substr_8_1, :substr_8_2)) OR kpi.frequency = :frequency_5 AND substr(measurement.period, :substr_6, :substr_7) = :substr_9 OR kpi.frequency = :frequency_6 AND substr(measurement.period, :substr_6, :substr_7) = :substr_10) GROUP BY measurement.kpi_id, measurement.period ORDER BY measurement.kpi_id, measurement.period',
        {'source_1': 'vendor', 'source_2': 'independent', 'frequency_1': 'monthly', 'substr_1': 6, 'substr_2': 1, 'frequency_2': 'quarterly', 'substr_4': 'Q', 'frequency_3': 'weekly', 'substr_5': 'W', 'param_1': 1, 'param_2': '$offset', 'coalesce_1': '', 'frequency_4': 'monthly', 'substr_6': 6, 'substr_7': 1, 'frequency_5': 'quarterly', 'substr_9': 'Q', 'frequency_6': 'weekly', 'substr_10': 'W', 'substr_3_1': 'Q', 'substr_3_2': 'W', 'substr_8_1': 'Q', 'substr_8_2': 'W'},
    ),
}
