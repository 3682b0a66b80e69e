"""Cases: from a data call to closure, with assessments, plans, notes, tasks and deadlines."""
