"""GraphQL documents the end-to-end tests send, as a frontend would."""

CREATE_SEGMENT = """
mutation($input: SegmentInput!) {
  createSegment(input: $input) { segment { id } errors { field code message } }
}"""

REFRESH_SEGMENT = """
mutation($id: ID!) {
  refreshSegment(id: $id, wait: true) {
    segment { matchedCustomersCount } errors { field code message }
  }
}"""

MEMBERSHIP_CHANGED = """
subscription($id: ID) {
  segmentMembershipChanged(segmentId: $id) { segmentId customerId change at }
}"""

SEGMENT_REFRESHED = """
subscription($id: ID) { segmentRefreshed(segmentId: $id) { id matchedCustomersCount } }
"""

UPSERT = """
mutation($records: [JSON!]!) {
  upsertStoreRecords(records: $records) { errors { field code message } }
}"""
