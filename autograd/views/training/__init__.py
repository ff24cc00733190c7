"""The training view: a page and a widget that replay how a network learned, epoch by epoch.

It reads a plain record (a dict of numbers and names: what nn's
``TrainingRecord.to_dict()`` gives) and never imports nn.
"""
