namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// A folder written under a temporary sibling name and moved into place by <see cref="Commit"/>, so a crash never leaves a
/// half-written model at the target path. Disposing without committing deletes the temporary folder.
/// </summary>
public sealed class StagingFolder : IDisposable
{
    private bool committed;

    public StagingFolder(string target)
    {
        Target = Path.GetFullPath(target);
        Staging = $"{Target.TrimEnd(System.IO.Path.DirectorySeparatorChar)}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(Staging);
    }

    /// <summary>Where the files go until committed.</summary>
    public string Staging { get; }
    public string Target { get; }

    /// <summary>Replaces any existing folder at the target with the staged one.</summary>
    public void Commit()
    {
        if (Directory.Exists(Target))
        {
            string old = $"{Target}.old-{Guid.NewGuid():N}";
            Directory.Move(Target, old);
            Directory.Move(Staging, Target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Target)!);
            Directory.Move(Staging, Target);
        }
        committed = true;
    }

    public void Dispose()
    {
        if (!committed && Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
    }
}
