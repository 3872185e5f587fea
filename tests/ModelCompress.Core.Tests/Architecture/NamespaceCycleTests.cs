using System.Text.RegularExpressions;

namespace ModelCompress.Core.Tests.Architecture;

/// <summary>
/// Core's folders (one namespace each) must depend on each other without cycles. The graph is read from the sources: every
/// <c>using ModelCompress.Core.X</c>, every fully qualified <c>ModelCompress.Core.X.</c> and every partly qualified
/// <c>X.Type</c> naming a type or sub-namespace declared in folder X.
/// </summary>
public class NamespaceCycleTests
{
    private static readonly string CoreRoot = Path.Combine(RepoPaths.Root, "src", "ModelCompress.Core");

    [Fact]
    public void CoreFolders_HaveNoNamespaceCycle()
    {
        var graph = FolderGraph.Read(CoreRoot);
        Assert.True(graph.Edges.Count > 5, $"suspiciously few dependencies found under {CoreRoot}");
        var cycles = graph.Cycles().Select(graph.Describe).ToList();
        Assert.True(cycles.Count == 0, "namespace cycles among Core's folders:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void FolderGraph_FindsCycleThroughUsingAndQualifiedNames()
    {
        using var temp = new TempTree();
        temp.Write("A/One.cs", "using ModelCompress.Core.B;\nnamespace ModelCompress.Core.A;\npublic sealed class One;");
        temp.Write("B/Two.cs", "namespace ModelCompress.Core.B;\npublic sealed class Two { C.Three? three; }");
        temp.Write("C/Three.cs", "namespace ModelCompress.Core.C;\npublic sealed class Three { ModelCompress.Core.A.One? one; }");
        temp.Write("D/Four.cs", "using ModelCompress.Core.A;\nnamespace ModelCompress.Core.D;\npublic sealed class Four;");

        var graph = FolderGraph.Read(temp.Root);

        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal(["A", "B", "C"], cycle);
        string described = graph.Describe(cycle);
        Assert.Contains("A -> B (A/One.cs)", described);
        Assert.Contains("C -> A (C/Three.cs)", described);
    }

    /// <summary>Folder -> folder dependencies, each with the first file that creates it.</summary>
    private sealed class FolderGraph
    {
        private FolderGraph(Dictionary<(string From, string To), string> edges) => Edges = edges;

        public Dictionary<(string From, string To), string> Edges { get; }

        public static FolderGraph Read(string root)
        {
            var folders = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
                .Where(f => f is not ("bin" or "obj")).ToList();
            var files = folders.ToDictionary(f => f, f => Directory.GetFiles(Path.Combine(root, f), "*.cs", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal).ToList());
            var declared = folders.ToDictionary(f => f, f => Declarations(Path.Combine(root, f), files[f]));
            var edges = new Dictionary<(string, string), string>();
            foreach (string from in folders)
            {
                foreach (string file in files[from])
                {
                    string text = File.ReadAllText(file);
                    foreach (string to in folders.Where(to => to != from && Uses(text, to, declared[to])))
                        edges.TryAdd((from, to), Path.GetRelativePath(root, file).Replace('\\', '/'));
                }
            }
            return new FolderGraph(edges);
        }

        // A using or fully qualified name of the folder's namespace, or a partly qualified name of one of its types.
        private static bool Uses(string text, string folder, IReadOnlySet<string> types)
        {
            if (Regex.IsMatch(text, $@"(?<!namespace\s+)\bModelCompress\.Core\.{folder}\b")) return true;
            return Regex.Matches(text, $@"(?<![\w.]){folder}\.(\w+)").Any(m => types.Contains(m.Groups[1].Value));
        }

        private static HashSet<string> Declarations(string folder, IEnumerable<string> files)
        {
            var names = Directory.GetDirectories(folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>().ToHashSet();
            foreach (string file in files)
            {
                string text = File.ReadAllText(file);
                foreach (Match m in Regex.Matches(text, @"\b(?:class|record(?:\s+struct|\s+class)?|struct|enum|interface)\s+(\w+)"))
                    names.Add(m.Groups[1].Value);
                foreach (Match m in Regex.Matches(text, @"\bdelegate\b[^;(]*?(\w+)\s*[<(]"))
                    names.Add(m.Groups[1].Value);
            }
            return names;
        }

        /// <summary>Every strongly connected set of two or more folders (Tarjan), each sorted by name.</summary>
        public List<List<string>> Cycles()
        {
            var nodes = Edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal).ToList();
            var next = nodes.ToDictionary(n => n, n => Edges.Keys.Where(e => e.From == n).Select(e => e.To).Order(StringComparer.Ordinal).ToList());
            var index = new Dictionary<string, int>();
            var low = new Dictionary<string, int>();
            var stack = new Stack<string>();
            var cycles = new List<List<string>>();
            void Visit(string node)
            {
                index[node] = low[node] = index.Count;
                stack.Push(node);
                foreach (string to in next[node])
                {
                    if (!index.ContainsKey(to)) { Visit(to); low[node] = Math.Min(low[node], low[to]); }
                    else if (stack.Contains(to)) low[node] = Math.Min(low[node], index[to]);
                }
                if (low[node] != index[node]) return;
                var component = new List<string>();
                string member;
                do { member = stack.Pop(); component.Add(member); } while (member != node);
                if (component.Count > 1) cycles.Add([.. component.Order(StringComparer.Ordinal)]);
            }
            foreach (string node in nodes.Where(n => !index.ContainsKey(n))) Visit(node);
            return cycles;
        }

        /// <summary>The cycle's folders and the edges among them, each with the file that creates it.</summary>
        public string Describe(List<string> cycle) =>
            string.Join(" <-> ", cycle) + ": " + string.Join("; ", Edges
                .Where(e => cycle.Contains(e.Key.From) && cycle.Contains(e.Key.To))
                .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal)
                .Select(e => $"{e.Key.From} -> {e.Key.To} ({e.Value})"));
    }

    private sealed class TempTree : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("namespace-cycles-").FullName;

        public void Write(string relative, string text)
        {
            string path = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
