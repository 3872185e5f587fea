using ModelCompress.Core.Publishing.AzureDevOps;
using ModelCompress.Core.Publishing.GitHub;

namespace ModelCompress.Core.Publishing;

/// <summary>What publishing and reporting a run tell the user as they happen; the CLI prints them.</summary>
public interface IPublishLog
{
    /// <summary>The run was published to one blob target.</summary>
    void Published(PublishResult result);

    /// <summary>The run was reported on GitHub.</summary>
    void Reported(GitHubReport report, GitHubTarget target);

    /// <summary>The run was reported on an Azure Repos pull request.</summary>
    void Reported(AzureDevOpsReport report, AzureDevOpsTarget target);

    /// <summary>A logging command for the Azure Pipelines agent, which reads it from the step's output.</summary>
    void AgentCommand(string command);

    /// <summary>Something failed that does not change the run's outcome.</summary>
    void Warning(string message);
}
