ModelCompress.Cli.NativeMemory.ReturnLargeBlocksToOs();
return ModelCompress.Cli.ToolLoadContext.Run(args);
