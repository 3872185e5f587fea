using ModelCompress.Core.Progress;
using ModelCompress.Core.Publishing.AzureDevOps;
using ModelCompress.Core.Publishing.GitHub;
using ModelCompress.Core.Storage;

namespace ModelCompress.Core.Publishing;

/// <summary>
/// What <c>run</c> and <c>publish</c> do with a finished run folder: publish a passed run to each blob target (recording each
/// copy in published.json), and report the run where it is reviewed: Azure Pipelines logging commands when <c>TF_BUILD</c>
/// is set, plus one upserted thread on the Azure Repos pull request of a pull-request build (<see cref="AzureDevOpsTarget"/>), and
/// the GitHub pull-request comment, check run and step summary when a <see cref="GitHubTarget"/> was resolved.
/// </summary>
public sealed class RunPublisher
{
    private readonly IPublishLog log;
    private readonly Func<string, string?> environment;
    private readonly IProgressSink? progress;
    private readonly bool azurePipelines;

    /// <summary>
    /// Resolves the Azure Repos pull request at once, so an incomplete pull-request build environment is invalid input before
    /// any work (a token not mapped into the step is a warning, and no thread).
    /// </summary>
    public RunPublisher(IPublishLog log, Func<string, string?> environment, IProgressSink? progress = null)
    {
        this.log = log;
        this.environment = environment;
        this.progress = progress;
        azurePipelines = AzurePipelines.IsActive(environment);
        AzureDevOps = AzureDevOpsTarget.Resolve(environment, Warn);
    }

    /// <summary>The Azure Repos pull request this job reports to; null outside a pull-request build.</summary>
    public AzureDevOpsTarget? AzureDevOps { get; }

    /// <summary>The first backoff delay of the Azure DevOps client's retries (tests shorten it).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Publishes <paramref name="runDir"/> to every target in turn, recording each published run URL in the folder's
    /// published.json; the first failure throws <see cref="PublishException"/>.
    /// </summary>
    public async Task PublishAsync(string runDir, IEnumerable<string> targets, bool overwrite, CancellationToken ct)
    {
        var clients = new BlobClients(environment);
        var publisher = new BlobPublisher(clients);
        foreach (string target in targets)
        {
            var result = await publisher.PublishAsync(runDir, clients.Locate(target), overwrite, progress, ct);
            log.Published(result);
            PublishedRecord.Add(runDir, result.Run.ToString());
        }
    }

    /// <summary>
    /// Publishes a passed run to blob storage, then reports it; when publishing fails the review still learns why (a failing
    /// check) before the <see cref="PublishException"/> (exit 4) goes on.
    /// </summary>
    public async Task PublishThenReportAsync(string runDir, IEnumerable<string> targets, bool overwrite, GitHubTarget? github,
        CancellationToken ct)
    {
        try
        {
            await PublishAsync(runDir, targets, overwrite, ct);
        }
        catch (PublishException e)
        {
            try { await ReportAsync(runDir, github, ct, e.Message); }
            catch (ModelCompressException r) when (r is GitHubException or AzureDevOpsException) { Warn(r.Message); }
            throw;
        }
        await ReportAsync(runDir, github, ct);
    }

    /// <summary>A warning, in Azure Pipelines also as a logged warning issue.</summary>
    public void Warn(string message)
    {
        log.Warning(message);
        if (azurePipelines) log.AgentCommand(AzurePipelines.LogIssue("warning", message));
    }

    /// <summary>Reports the run in <paramref name="runDir"/>, linking every published copy its published.json records.</summary>
    public async Task ReportAsync(string runDir, GitHubTarget? github, CancellationToken ct, string? publishFailure = null)
    {
        if (azurePipelines)
            foreach (string command in AzurePipelines.RunCommands(runDir)) log.AgentCommand(command);
        if (AzureDevOps is not null)
        {
            var publisher = new AzureDevOpsPublisher(AzureDevOps) { RetryDelay = RetryDelay };
            log.Reported(await publisher.PublishAsync(runDir, PublishedRecord.Read(runDir), ct, publishFailure), AzureDevOps);
        }
        if (github is null) return;
        var report = await new GitHubPublisher(github).PublishAsync(runDir, PublishedRecord.Read(runDir), ct, publishFailure);
        log.Reported(report, github);
    }
}
