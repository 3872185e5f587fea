namespace ModelCompress.Core.Gates;

/// <summary>Passed: every gate held. GateFailed: at least one did not; nothing is published and the CLI exits 3.</summary>
public enum Verdict { Passed, GateFailed }
