/// Namespace of the `Reconciler` module. See README.md in this directory for what it is for and what it may import.
public enum ReconcilerModule {}
