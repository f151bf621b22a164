"""moduai.ai"""
