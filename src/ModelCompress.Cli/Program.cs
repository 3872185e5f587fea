ModelCompress.Cli.NativeMemory.ReturnLargeBlocksToOs();
return ModelCompress.Cli.CliApp.Run(args, Console.Out, Console.Error);
