// The snapshot helpers live in Tests/SnapshotSupport (shared by the test targets).
@_exported import SnapshotSupport
